/**
 * Composing Loom's constructs by hand, without MlPlatform: a network stack and one GPU batch
 * cluster stack, wired by passing the network object (not ids) to the cluster.
 *
 * Run: `npm run build && node dist/examples/typescript/hand-composed.js` (writes cdktf.out/).
 */
import { App } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { AwsNetwork } from '../../constructs/network/aws-network';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { validateSpec } from '../../schema/load';
import { formatIssues } from '../../schema/issues';
import { resolvePlan } from '../../plan';

/** Builds the example's stacks into `app`. */
export function buildHandComposed(app: App): void {
  const result = validateSpec({
    name: 'research',
    cloud: 'aws',
    region: 'us-west-2',
    network: { cidr: '10.42.0.0/16', zones: 2 },
    clusters: [
      {
        name: 'gpu',
        flavour: 'batch',
        nodePools: [
          { name: 'cpu', machineTypes: ['c7i.xlarge'], minNodes: 0, maxNodes: 4 },
          { name: 'a10g', machineTypes: ['g5.2xlarge'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-a10g' } },
        ],
      },
    ],
  });
  if (!result.ok) throw new Error(formatIssues(result.errors));
  const plan = resolvePlan(result.spec);

  const networkStack = new LoomStack(app, 'research-network', { plan });
  new AwsProvider(networkStack, 'aws', { region: plan.region!, defaultTags: [{ tags: { ...plan.labels } }] });
  const network = new AwsNetwork(networkStack, 'Network', { plan });

  const clusterStack = new LoomStack(app, 'research-cluster-gpu', { plan });
  new AwsProvider(clusterStack, 'aws', { region: plan.region!, defaultTags: [{ tags: { ...plan.labels } }] });
  const cluster = new EksCluster(clusterStack, 'Cluster', { plan, cluster: plan.clusters[0]!, network });
  // A role for a training job's service account, through the cluster's OIDC provider.
  cluster.addServiceAccountRole('TrainerRole', 'research', 'trainer', ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
  clusterStack.addDependency(networkStack);
}

if (require.main === module) {
  const app = new App();
  buildHandComposed(app);
  app.synth();
}
