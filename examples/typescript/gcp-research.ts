/**
 * A research platform on Google Cloud, composed in TypeScript: a network, one batch GKE cluster
 * with a spot CPU pool and an L4 GPU pool, its add-ons (the NVIDIA GPU operator and Kueue with a
 * queue per pool), and the registry bought (Artifact Registry) through the registry contract — the
 * same `registryFor` a build (Harbor) would go through, so that pivoting is one prop.
 *
 * Run: `npm run build && node dist/examples/typescript/gcp-research.js` (writes cdktf.out/).
 */
import { App } from '../../constructs/core/cdk';
import type { PlatformSettingsInput } from '../../schema/schema';
import { NetworkStack } from '../../stacks/network-stack';
import { ClusterStack } from '../../stacks/cluster-stack';
import { AddonsStack } from '../../stacks/addons-stack';
import { ServicesStack } from '../../stacks/services-stack';
import { registryFor } from '../../constructs/components/registry/select';
import type { IRegistry } from '../../constructs/components/registry/contract';

/** What the example builds, for callers that add to it. */
export interface GcpResearch {
  readonly addons: AddonsStack;
  readonly registry: IRegistry;
}

/** Builds the example's stacks into `app`. */
export function buildGcpResearch(app: App): GcpResearch {
  const settings: PlatformSettingsInput = {
    name: 'research',
    cloud: 'gcp',
    region: 'europe-west4',
    gcpProject: 'research-ml-dev',
    gcpProjectNumber: '210987654321',
    labels: { team: 'research' },
  };
  const networkStack = new NetworkStack(app, 'research-network', { platform: settings, network: { cidr: '10.30.0.0/16', zones: 2 } });
  const platform = networkStack.platform;

  const training = new ClusterStack(app, 'research-cluster-training', {
    platform,
    network: networkStack.network,
    cluster: {
      name: 'training',
      flavour: 'batch',
      nodePools: [
        { name: 'cpu', machineTypes: ['c3-standard-8'], minNodes: 0, maxNodes: 10, spot: true },
        { name: 'l4', machineTypes: ['g2-standard-8'], minNodes: 0, maxNodes: 4, spot: true, gpu: { type: 'nvidia-l4', count: 1 } },
      ],
    },
  });
  const addons = new AddonsStack(app, 'research-addons-training', { platform, cluster: training.cluster });

  // Artifact Registry in the services stack; every cluster's nodes may pull from it.
  const services = new ServicesStack(app, 'research-services', { platform });
  services.addDependency(training);
  const registry = registryFor({ spec: { mode: 'buy', repositories: ['images', 'checkpoints'] }, clusters: [addons], services });
  return { addons, registry };
}

if (require.main === module) {
  const app = new App();
  buildGcpResearch(app);
  app.synth();
}
