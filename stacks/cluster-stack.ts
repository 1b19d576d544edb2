/** `<name>-cluster-<cluster>`: one Kubernetes cluster, its node pools, identities and keys. */
import type { Construct } from 'constructs';
import { LoomStack } from '../constructs/core/stack';
import type { IKubernetesCluster, INetwork } from '../constructs/core/contracts';
import type { ClusterPlan, PlatformPlan } from '../plan';
import { addCloudProvider } from './providers';
import { PlatformValidationError } from '../constructs/core/errors';
import { TerraformOutput } from '../constructs/core/cdk';

export interface ClusterStackProps {
  readonly plan: PlatformPlan;
  readonly cluster: ClusterPlan;
  readonly network: INetwork;
}

export class ClusterStack extends LoomStack {
  readonly cluster: IKubernetesCluster;

  constructor(scope: Construct, props: ClusterStackProps) {
    super(scope, props.cluster.stackName, props);
    addCloudProvider(this, props.plan);
    switch (props.plan.cloud) {
      case 'aws':
        this.cluster = new (loadAws().EksCluster)(this, 'Cluster', props);
        break;
      case 'gcp':
        this.cluster = new (loadGcp().GkeCluster)(this, 'Cluster', props);
        // GKE, Cloud KMS, IAM, Logging, Monitoring on a fresh project (constructs/gcp/project-services.ts).
        new (loadGcpApis().ProjectServices)(this, 'ProjectServices', { project: props.plan.gcpProject!, extraApis: loadGcpApis().GKE_EXTRA_APIS });
        break;
      default:
        throw new PlatformValidationError(`no cluster stack for cloud: ${props.plan.cloud}`);
    }
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.clusterName, description: 'Name of the cluster in its cloud' });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.clusterEndpoint, description: 'Kubernetes API server URL' });
  }
}

// Each cloud's constructs are loaded only when the platform is on that cloud (see network-stack.ts).
const loadAws = () => require('../constructs/cluster/eks-cluster') as typeof import('../constructs/cluster/eks-cluster');
const loadGcp = () => require('../constructs/cluster/gke-cluster') as typeof import('../constructs/cluster/gke-cluster');
const loadGcpApis = () => require('../constructs/gcp/project-services') as typeof import('../constructs/gcp/project-services');
