/**
 * `MlPlatform`: the whole platform from one spec, as one cdktf stack per lifecycle unit —
 * network, one per cluster, services, one add-ons stack per cluster — wired by cross-stack
 * references.
 */
import type { Construct } from 'constructs';
import { resolvePlan, type PlatformPlan } from '../spec/plan';
import type { ComponentName, PlatformSpec } from '../spec/schema';
import { SynthRefusal } from '../constructs/core/errors';
import type { IKubernetesCluster } from '../constructs/core/contracts';
import { NetworkStack } from './network-stack';
import { ClusterStack } from './cluster-stack';
import { AddonsStack } from './addons-stack';

/** Components Loom synthesizes today; the others are validated but refused at synth. */
export const SYNTHESIZED_COMPONENTS: readonly ComponentName[] = [];

export class MlPlatform {
  readonly plan: PlatformPlan;
  readonly networkStack?: NetworkStack;
  readonly clusterStacks: Record<string, ClusterStack> = {};
  readonly clusters: Record<string, IKubernetesCluster> = {};
  /** One `<name>-addons-<cluster>` stack per cluster, on every cloud. */
  readonly addonsStacks: Record<string, AddonsStack> = {};

  constructor(scope: Construct, spec: PlatformSpec) {
    const refused = spec.clusters.length ? (Object.keys(spec.components) as ComponentName[]).filter((c) => spec.components[c] && !SYNTHESIZED_COMPONENTS.includes(c)) : [];
    if (refused.length) {
      throw new SynthRefusal(
        `components.${refused[0]}`,
        `Loom does not synthesize ${refused.join(', ')} yet; remove ${refused.length > 1 ? 'them' : 'it'} from components to synthesize the rest (loom validate still checks ${refused.length > 1 ? 'them' : 'it'})`,
      );
    }
    this.plan = resolvePlan(spec);
    const plan = this.plan;
    if (plan.cloud !== 'kubernetes') {
      this.networkStack = new NetworkStack(scope, { plan });
      for (const cluster of plan.clusters) {
        const stack = new ClusterStack(scope, { plan, cluster, network: this.networkStack.network });
        stack.addDependency(this.networkStack);
        this.clusterStacks[cluster.name] = stack;
        this.clusters[cluster.name] = stack.cluster;
      }
    }
    // Add-ons go on every cluster. A cluster stack's cluster reaches its add-ons stack through
    // cross-stack references, and AddonsStack makes itself depend on the cluster stack; an
    // existing cluster has no stack of its own and is described inside its add-ons stack.
    for (const cluster of plan.clusters) {
      const clusterStack = this.clusterStacks[cluster.name];
      const addons = new AddonsStack(scope, { plan, cluster, ...(clusterStack ? { kubernetesCluster: clusterStack.cluster } : {}) });
      this.addonsStacks[cluster.name] = addons;
      this.clusters[cluster.name] = addons.cluster;
    }
  }
}
