/** `<name>-cluster-<cluster>`: one Kubernetes cluster, its node pools, identities and keys. */
import type { Construct } from 'constructs';
import { LoomStack, type LoomStackProps } from '../constructs/core/stack';
import type { IKubernetesCluster, INetwork } from '../constructs/core/contracts';
import { PlatformValidationError } from '../constructs/core/errors';
import { TerraformOutput, TerraformStack } from '../constructs/core/cdk';
import type { ComponentMode } from '../plan';
import type { ClusterSpecInput } from '../schema/schema';

/** Props of {@link ClusterStack}: the platform's settings, the cluster's spec and its network. */
export interface ClusterStackProps extends Omit<LoomStackProps, 'cloudProvider'> {
  /** The cluster as platform.yaml's `clusters[]` entry has it. */
  readonly cluster: ClusterSpecInput;
  /** The network it goes in (usually another stack's); this stack then depends on that one. */
  readonly network: INetwork;
  /**
   * The platform's monitoring mode, which the cluster is prepared for (see `EksClusterProps.monitoring`).
   * @default no monitoring component
   */
  readonly monitoring?: ComponentMode;
}

/** A cluster on AWS ({@link EksCluster}) or Google Cloud ({@link GkeCluster}), in a stack of its own. */
export class ClusterStack extends LoomStack {
  /** The stack's cluster. */
  readonly cluster: IKubernetesCluster;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, { ...props, cloudProvider: true });
    const clusterProps = { ...props.cluster, network: props.network, ...(props.monitoring ? { monitoring: props.monitoring } : {}) };
    switch (this.platform.cloud) {
      case 'aws':
        this.cluster = new (loadAws().EksCluster)(this, 'Cluster', clusterProps);
        break;
      case 'gcp':
        this.cluster = new (loadGcp().GkeCluster)(this, 'Cluster', clusterProps);
        // GKE, Cloud KMS, IAM, Logging, Monitoring on a fresh project (constructs/gcp/project-services.ts).
        new (loadGcpApis().ProjectServices)(this, 'ProjectServices', { project: this.platform.gcpProject!, extraApis: loadGcpApis().GKE_EXTRA_APIS });
        break;
      default:
        throw new PlatformValidationError(`no cluster stack for cloud: ${this.platform.cloud}`, this);
    }
    const networkStack = TerraformStack.of(props.network);
    if (networkStack !== this) this.addDependency(networkStack);
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.clusterName, description: 'Name of the cluster in its cloud' });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.clusterEndpoint, description: 'Kubernetes API server URL' });
  }
}

// Each cloud's constructs are loaded only when the platform is on that cloud (see network-stack.ts).
const loadAws = () => require('../constructs/cluster/eks-cluster') as typeof import('../constructs/cluster/eks-cluster');
const loadGcp = () => require('../constructs/cluster/gke-cluster') as typeof import('../constructs/cluster/gke-cluster');
const loadGcpApis = () => require('../constructs/gcp/project-services') as typeof import('../constructs/gcp/project-services');
