/** `<name>-network`: the platform's VPC and subnets (cloud provider only). */
import type { Construct } from 'constructs';
import { LoomStack, type LoomStackProps } from '../constructs/core/stack';
import type { INetwork } from '../constructs/core/contracts';
import { PlatformValidationError } from '../constructs/core/errors';
import type { NetworkSpecInput } from '../schema/schema';

/** Props of {@link NetworkStack}: the platform's settings and its network. */
export interface NetworkStackProps extends Omit<LoomStackProps, 'cloudProvider'> {
  /**
   * The network as platform.yaml's `network` key has it.
   * @default the schema's defaults (10.0.0.0/16 over three zones)
   */
  readonly network?: NetworkSpecInput;
}

/** The network of a platform on AWS ({@link AwsNetwork}) or Google Cloud ({@link GcpNetwork}), in a stack of its own. */
export class NetworkStack extends LoomStack {
  /** The platform's network. */
  readonly network: INetwork;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, { ...props, cloudProvider: true });
    switch (this.platform.cloud) {
      case 'aws':
        this.network = new (loadAws().AwsNetwork)(this, 'Network', props.network ?? {});
        break;
      case 'gcp':
        this.network = new (loadGcp().GcpNetwork)(this, 'Network', props.network ?? {});
        // A fresh project has Compute Engine off; the stack turns on the APIs its resources call.
        new (loadGcpApis().ProjectServices)(this, 'ProjectServices', { project: this.platform.gcpProject! });
        break;
      default:
        throw new PlatformValidationError(`no network stack for cloud: ${this.platform.cloud}`, this);
    }
  }
}

// Each cloud's constructs are loaded only when the platform is on that cloud, so that a synth
// loads one provider's classes rather than all of them (DESIGN.md, performance rules).
const loadAws = () => require('../constructs/network/aws-network') as typeof import('../constructs/network/aws-network');
const loadGcp = () => require('../constructs/network/gcp-network') as typeof import('../constructs/network/gcp-network');
const loadGcpApis = () => require('../constructs/gcp/project-services') as typeof import('../constructs/gcp/project-services');
