/**
 * What every add-on is given: the platform, the cluster, the namespaces and priority classes of
 * its add-ons stack, and the scheduling decisions that apply to all of them. Nothing about the
 * platform's monitoring: an add-on declares what it exposes (`scrapeTargets`) and configures its
 * chart the same way whatever monitors it.
 */
import type { IKubernetesCluster } from '../core/contracts';
import type { PlatformNamespace } from '../kubernetes/namespace';
import type { PriorityClasses } from '../kubernetes/priority-classes';
import type { ClusterPlan, PlatformContext, Taint } from '../../plan';
import { GPU_TAINT } from '../../plan';

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
  /** The platform's settings (name, environment, labels). */
  readonly platform: PlatformContext;
  readonly cluster: IKubernetesCluster;
  readonly namespaces: AddonNamespaces;
  readonly priorityClasses: PriorityClasses;
  /** Two replicas and disruption budgets for the controllers (prod). */
  readonly highAvailability: boolean;
  /**
   * Tolerations of the platform's controllers: the system node pool's taint, so that controllers
   * may run there; none where the cluster has no system pool. See {@link controllerPlacement}.
   */
  readonly controllerTolerations: readonly Toleration[];
  /**
   * Node selector of the platform's controllers: the system pool's role label where the cluster
   * has one (`{}` otherwise). See {@link controllerPlacement}.
   */
  readonly controllerNodeSelector: Readonly<Record<string, string>>;
}

/** The node label of the system pool that controllers select (set by Loom on the pool). */
export const SYSTEM_ROLE_LABEL = 'loom.dev/role';
/** The node label saying whether a pool's nodes are spot or on-demand (set by Loom on every pool). */
export const CAPACITY_LABEL = 'loom.dev/capacity';

/** Where a cluster's platform controllers run. */
export interface ControllerPlacement {
  /** `{}` where the cluster has no system pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/**
 * Where the platform's controllers run: on the cluster's system pool where it has one (Karpenter
 * clusters, EKS batch clusters whose pools all scale to zero, and whatever else the plan gives a
 * `systemPool`) — selected by its role label and tolerating its taints, so that no controller holds
 * a node of a pool that should scale to zero (or a spot node that may vanish); anywhere otherwise.
 * Read from the plan, so every cloud that plans a system pool gets the same placement.
 */
export function controllerPlacement(cluster: Pick<ClusterPlan, 'systemPool'>): ControllerPlacement {
  const pool = cluster.systemPool;
  if (!pool) return { nodeSelector: {}, tolerations: [] };
  const role = pool.labels[SYSTEM_ROLE_LABEL];
  return {
    nodeSelector: role !== undefined ? { [SYSTEM_ROLE_LABEL]: role } : { 'loom.dev/pool': pool.name },
    tolerations: pool.taints.map(tolerationFor),
  };
}

/**
 * A node affinity that keeps stateful pods (Prometheus, Alertmanager, Harbor and their volumes) off
 * spot capacity, which may be reclaimed at two minutes' notice, taking a zonal volume's only writer
 * with it. Where the cluster has a system pool, stateful platform pods run there anyway
 * ({@link controllerPlacement}, on-demand by construction) and this returns nothing. Otherwise it
 * requires `loom.dev/capacity: on-demand` when the cluster has an untainted on-demand pool to satisfy
 * it, and only prefers it when every pool is spot (a requirement nothing could meet would leave the
 * pods pending forever). Existing clusters' nodes carry no Loom labels: nothing.
 */
export function statefulAffinity(cluster: Pick<ClusterPlan, 'systemPool' | 'pools'>): Record<string, unknown> | undefined {
  if (cluster.systemPool || cluster.pools.length === 0) return undefined;
  const term = { matchExpressions: [{ key: CAPACITY_LABEL, operator: 'In', values: ['on-demand'] }] };
  const onDemand = cluster.pools.some((p) => !p.spot && p.taints.length === 0);
  return onDemand
    ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } }
    : { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: term }] } };
}

/**
 * A placement as chart values: `nodeSelector` and `tolerations`, each only when it says something
 * (so that a chart's own defaults stay where Loom has nothing to add).
 */
export function placementValues(p: ControllerPlacement): { nodeSelector?: Record<string, string>; tolerations?: Toleration[] } {
  return {
    ...(Object.keys(p.nodeSelector).length ? { nodeSelector: { ...p.nodeSelector } } : {}),
    ...(p.tolerations.length ? { tolerations: [...p.tolerations] } : {}),
  };
}

/** The platform controllers' placement of an add-on context, as chart values ({@link placementValues}). */
export function controllerValues(ctx: Pick<AddonContext, 'controllerNodeSelector' | 'controllerTolerations'>): { nodeSelector?: Record<string, string>; tolerations?: Toleration[] } {
  return placementValues({ nodeSelector: ctx.controllerNodeSelector, tolerations: ctx.controllerTolerations });
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
