/**
 * `MlPlatform`: the whole platform from one spec, as one cdktf stack per lifecycle unit —
 * network, one per cluster, services, one add-ons stack per cluster — wired by cross-stack
 * references.
 */
import type { Construct } from 'constructs';
import { resolvePlan, servicesStackNeeded, type ComponentPlan, type PlatformPlan } from '../plan';
import type { ComponentName, PlatformSpec } from '../schema/schema';
import { SynthRefusal } from '../constructs/core/errors';
import type { IKubernetesCluster } from '../constructs/core/contracts';
import { NetworkStack } from './network-stack';
import { ClusterStack } from './cluster-stack';
import { AddonsStack } from './addons-stack';
import { ServicesStack } from './services-stack';
import type { ComponentProps } from '../constructs/components/contract';
import type { IMonitoring } from '../constructs/components/monitoring/contract';
import { monitoringFor } from '../constructs/components/monitoring/select';
import type { IRegistry } from '../constructs/components/registry/contract';
import { registryFor } from '../constructs/components/registry/select';

/** Components Loom synthesizes today; the others are validated but refused at synth. */
export const SYNTHESIZED_COMPONENTS: readonly ComponentName[] = ['monitoring', 'registry'];

export class MlPlatform {
  readonly plan: PlatformPlan;
  readonly networkStack?: NetworkStack;
  readonly clusterStacks: Record<string, ClusterStack> = {};
  readonly clusters: Record<string, IKubernetesCluster> = {};
  /** One `<name>-addons-<cluster>` stack per cluster, on every cloud. */
  readonly addonsStacks: Record<string, AddonsStack> = {};
  /** `<name>-services`, when some component keeps resources in the cloud (never on cloud: kubernetes). */
  readonly servicesStack?: ServicesStack;
  /** The monitoring component, through its contract, when the spec has one. */
  readonly monitoring?: IMonitoring;
  /** The registry component, through its contract, when the spec has one. */
  readonly registry?: IRegistry;

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

    // Components: cloud-side resources in the services stack, in-cluster ones in the add-ons
    // stack of the cluster they run on; each built through its contract's factory.
    if (servicesStackNeeded(plan)) {
      this.servicesStack = new ServicesStack(scope, { plan });
      // Cloud-side identities refer to the clusters (OIDC providers, node roles, workload pools).
      for (const stack of Object.values(this.clusterStacks)) this.servicesStack.addDependency(stack);
    }
    const propsOf = (component: ComponentPlan): ComponentProps => ({
      plan,
      component,
      clusters: plan.clusters.map((c) => this.addonsStacks[c.name]!),
      ...(this.servicesStack ? { services: this.servicesStack } : {}),
    });
    // Monitoring first: the components after it may hand it scrape targets.
    const monitoring = plan.components.find((c) => c.name === 'monitoring');
    if (monitoring) {
      this.monitoring = monitoringFor(propsOf(monitoring));
      // The add-ons declare their metrics whatever the mode; scraping them is monitoring's (its
      // resources, its form), so that switching the mode changes monitoring's resources only.
      for (const cluster of plan.clusters) {
        const addons = this.addonsStacks[cluster.name]!;
        for (const target of addons.scrapeTargets) this.monitoring.scrape(addons.cluster, target);
      }
    }
    const registry = plan.components.find((c) => c.name === 'registry');
    if (registry) this.registry = registryFor(propsOf(registry));
  }
}
