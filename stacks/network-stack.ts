/** `<name>-network`: the platform's VPC and subnets (cloud provider only). */
import type { Construct } from 'constructs';
import { LoomStack } from '../constructs/core/stack';
import type { INetwork } from '../constructs/core/contracts';
import { AwsNetwork } from '../constructs/network/aws-network';
import { GcpNetwork } from '../constructs/network/gcp-network';
import type { PlatformPlan } from '../spec/plan';
import { addCloudProvider } from './providers';
import { PlatformValidationError } from '../constructs/core/errors';

export interface NetworkStackProps {
  readonly plan: PlatformPlan;
}

export class NetworkStack extends LoomStack {
  readonly network: INetwork;

  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, props.plan.stacks.network, props);
    addCloudProvider(this, props.plan);
    switch (props.plan.cloud) {
      case 'aws':
        this.network = new AwsNetwork(this, 'Network', { plan: props.plan });
        break;
      case 'gcp':
        this.network = new GcpNetwork(this, 'Network', { plan: props.plan });
        break;
      default:
        throw new PlatformValidationError(`no network stack for cloud: ${props.plan.cloud}`);
    }
  }
}
