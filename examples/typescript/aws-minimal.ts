/**
 * examples/aws-minimal.yaml, composed in TypeScript from Loom's stacks: a network, one
 * microservice cluster and its add-ons, each stack given the props of its platform.yaml key and the
 * objects it builds on (the network to the cluster, the cluster to its add-ons), and two teams
 * onboarded onto them (their identities in the services stack). It synthesizes
 * exactly what `loom synth examples/aws-minimal.yaml` does (test/examples/typescript.test.ts
 * compares the two, file by file).
 *
 * Run: `npm run build && node dist/examples/typescript/aws-minimal.js` (writes cdktf.out/).
 */
import { App } from '../../constructs/core/cdk';
import { NetworkStack } from '../../stacks/network-stack';
import { ClusterStack } from '../../stacks/cluster-stack';
import { AddonsStack } from '../../stacks/addons-stack';
import { ServicesStack } from '../../stacks/services-stack';
import { PlatformTeams } from '../../stacks/platform-teams';

/** Builds the example's stacks into `app`. */
export function buildAwsMinimal(app: App): void {
  // The top-level keys of platform.yaml; every stack of the platform carries them.
  const networkStack = new NetworkStack(app, 'sandbox-network', {
    platform: { name: 'sandbox', cloud: 'aws', region: 'eu-west-1', labels: { team: 'research', 'cost-center': 'research' } },
    network: { cidr: '10.20.0.0/16', zones: 2 },
  });
  const platform = networkStack.platform;

  const apps = new ClusterStack(app, 'sandbox-cluster-apps', {
    platform,
    network: networkStack.network,
    cluster: {
      name: 'apps',
      flavour: 'microservice',
      nodePools: [{ name: 'general', machineTypes: ['t3.large'], minNodes: 1, maxNodes: 3 }],
      // A dev sandbox reached from the office: a public endpoint restricted to its range.
      endpoint: { publicAccessCidrs: ['203.0.113.0/24'] },
    },
  });

  // The teams' IAM roles and access entries refer to the cluster: the services stack comes after it.
  const services = new ServicesStack(app, 'sandbox-services', { platform });
  services.addDependency(apps);

  // cert-manager, metrics-server, cluster-autoscaler and the AWS Load Balancer Controller.
  const addons = new AddonsStack(app, 'sandbox-addons-apps', { platform, cluster: apps.cluster });

  // A namespace each on apps (baseline in dev), a quota, its members; platform.yaml's `teams`.
  new PlatformTeams(app, 'Teams', {
    clusters: [addons],
    services,
    teams: [
      { name: 'vision', quota: { cpu: 4, memoryGiB: 16, pods: 50, storageGiB: 200 }, members: ['arn:aws:iam::123456789012:role/vision-researchers'] },
      { name: 'nlp', quota: { cpu: 2, memoryGiB: 8, pods: 30, storageGiB: 100 }, members: ['arn:aws:iam::123456789012:role/nlp-researchers'] },
    ],
  });
}

if (require.main === module) {
  const app = new App();
  buildAwsMinimal(app);
  app.synth();
}
