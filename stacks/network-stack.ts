/** `<name>-network`: the platform's VPC and subnets (cloud provider only). */
import type { Construct } from 'constructs';
import { LoomStack } from '../constructs/core/stack';
import type { INetwork } from '../constructs/core/contracts';
import type { PlatformPlan } from '../plan';
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
        this.network = new (loadAws().AwsNetwork)(this, 'Network', { plan: props.plan });
        break;
      case 'gcp':
        this.network = new (loadGcp().GcpNetwork)(this, 'Network', { plan: props.plan });
        // A fresh project has Compute Engine off; the stack turns on the APIs its resources call.
        new (loadGcpApis().ProjectServices)(this, 'ProjectServices', { project: props.plan.gcpProject! });
        break;
      default:
        throw new PlatformValidationError(`no network stack for cloud: ${props.plan.cloud}`);
    }
  }
}

// Each cloud's constructs are loaded only when the platform is on that cloud, so that a synth
// loads one provider's classes rather than all of them (DESIGN.md, performance rules).
const loadAws = () => require('../constructs/network/aws-network') as typeof import('../constructs/network/aws-network');
const loadGcp = () => require('../constructs/network/gcp-network') as typeof import('../constructs/network/gcp-network');
const loadGcpApis = () => require('../constructs/gcp/project-services') as typeof import('../constructs/gcp/project-services');
