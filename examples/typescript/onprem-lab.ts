/**
 * A GPU lab on a Kubernetes cluster that already exists (on-premises), composed in TypeScript: the
 * add-ons stack reaches the cluster through a kubeconfig context, installs what a batch cluster
 * gets (cert-manager, metrics-server, the NVIDIA GPU operator for hosts with the driver baked in,
 * Kueue with a queue per node group) and monitoring built on the cluster (kube-prometheus-stack),
 * which scrapes every add-on. State stays on the premises (an S3-compatible store).
 *
 * Run: `npm run build && node dist/examples/typescript/onprem-lab.js` (writes cdktf.out/).
 */
import { App } from '../../constructs/core/cdk';
import { AddonsStack } from '../../stacks/addons-stack';
import { monitoringFor } from '../../constructs/components/monitoring/select';
import type { IMonitoring } from '../../constructs/components/monitoring/contract';

/** What the example builds. */
export interface OnPremLab {
  readonly addons: AddonsStack;
  readonly monitoring: IMonitoring;
}

/** Builds the example's stack into `app`. */
export function buildOnPremLab(app: App): OnPremLab {
  const addons = new AddonsStack(app, 'lab-addons-gpu', {
    platform: {
      name: 'lab',
      cloud: 'kubernetes',
      environment: 'staging',
      state: { backend: 's3', bucket: 'lab-tfstate', endpoint: 'https://s3.lab.internal.example' },
    },
    cluster: {
      name: 'gpu',
      flavour: 'batch',
      existing: {
        kubeconfigContext: 'lab-gpu',
        gpu: { driver: 'preinstalled', toolkit: 'operator' },
        capacity: [
          { name: 'cpu', nodeLabels: { 'node.lab.example/group': 'cpu' }, nodes: 4, cpu: 32, memoryGiB: 128 },
          { name: 'a100', nodeLabels: { 'node.lab.example/group': 'a100' }, nodes: 2, cpu: 64, memoryGiB: 512, gpus: 4 },
        ],
      },
    },
  });
  const monitoring = monitoringFor({ spec: { mode: 'build' }, clusters: [addons] });
  for (const target of addons.scrapeTargets) monitoring.scrape(addons.cluster, target);
  return { addons, monitoring };
}

if (require.main === module) {
  const app = new App();
  buildOnPremLab(app);
  app.synth();
}
