/**
 * Composing Loom's constructs by hand, without MlPlatform: a network stack and one GPU batch
 * cluster stack, wired by passing the network object (not ids) to the cluster. Each construct
 * takes the props its platform.yaml key has, validated by the same schema and rules.
 *
 * Run: `npm run build && node dist/examples/typescript/hand-composed.js` (writes cdktf.out/).
 */
import { App } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { AwsNetwork } from '../../constructs/network/aws-network';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import type { PlatformSettingsInput } from '../../schema/schema';

/** Builds the example's stacks into `app`. */
export function buildHandComposed(app: App): void {
  const platform: PlatformSettingsInput = { name: 'research', cloud: 'aws', region: 'us-west-2' };

  const networkStack = new LoomStack(app, 'research-network', { platform, cloudProvider: true });
  const network = new AwsNetwork(networkStack, 'Network', { cidr: '10.42.0.0/16', zones: 2 });

  const clusterStack = new LoomStack(app, 'research-cluster-gpu', { platform: networkStack.platform, cloudProvider: true });
  const cluster = new EksCluster(clusterStack, 'Cluster', {
    network,
    name: 'gpu',
    flavour: 'batch',
    nodePools: [
      { name: 'cpu', machineTypes: ['c7i.xlarge'], minNodes: 0, maxNodes: 4 },
      { name: 'a10g', machineTypes: ['g5.2xlarge'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-a10g' } },
    ],
  });
  // A role for a training job's service account, through the cluster's OIDC provider.
  cluster.addServiceAccountRole('TrainerRole', 'research', 'trainer', ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
  clusterStack.addDependency(networkStack);
}

if (require.main === module) {
  const app = new App();
  buildHandComposed(app);
  app.synth();
}
