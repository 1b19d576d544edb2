/**
 * What every add-on is given: the platform, the cluster, the namespaces and priority classes of
 * its add-ons stack, and the scheduling decisions that apply to all of them. Nothing about the
 * platform's monitoring: an add-on declares what it exposes (`scrapeTargets`) and configures its
 * chart the same way whatever monitors it.
 */
import type { IKubernetesCluster } from '../core/contracts';
import type { PlatformNamespace } from '../kubernetes/namespace';
import type { PriorityClasses } from '../kubernetes/priority-classes';
import type { PlatformPlan, Taint } from '../../spec/plan';
import { GPU_TAINT } from '../../spec/plan';

/** A pod toleration, as charts take it. */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: Taint['effect'];
}

/** The platform namespaces, by role. */
export interface AddonNamespaces {
  /** Controllers (`loom-system`). */
  readonly system: PlatformNamespace;
  /** Per-node agents needing host access (`loom-node-agents`, privileged). */
  readonly nodeAgents: PlatformNamespace;
  /** The teams' work (`loom-workloads`). */
  readonly workloads: PlatformNamespace;
}

export interface AddonContext {
  readonly plan: PlatformPlan;
  readonly cluster: IKubernetesCluster;
  readonly namespaces: AddonNamespaces;
  readonly priorityClasses: PriorityClasses;
  /** Two replicas and disruption budgets for the controllers (prod). */
  readonly highAvailability: boolean;
  /**
   * Tolerations of the platform's controllers: the Karpenter system node group's taint, so that
   * controllers may run there; none where there is no such group.
   */
  readonly controllerTolerations: readonly Toleration[];
}

/** The toleration that lets a pod onto nodes with `taint`. */
export function tolerationFor(taint: Taint): Toleration {
  return taint.value ? { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect } : { key: taint.key, operator: 'Exists', effect: taint.effect };
}

/** Tolerates the GPU taint whatever its value (GKE and Loom both set `present`). */
export const GPU_TOLERATION: Toleration = { key: GPU_TAINT.key, operator: 'Exists', effect: GPU_TAINT.effect };

/** The priority class of platform controllers, as a reference to it. */
export function controllerPriorityClass(ctx: AddonContext): string {
  return ctx.priorityClasses.nameOf('loom-critical');
}
