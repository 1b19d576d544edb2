/**
 * What every add-on is given: the platform, the cluster, the namespaces and priority classes of
 * its add-ons stack, and the scheduling decisions that apply to all of them. Nothing about the
 * platform's monitoring: an add-on declares what it exposes (`scrapeTargets`) and configures its
 * chart the same way whatever monitors it.
 */
import type { IKubernetesCluster, ScrapeTarget } from '../core/contracts';
import type { Construct, IConstruct } from 'constructs';
import type { AddonRelease } from './release';
import type { PlatformNamespace } from '../kubernetes/namespace';
import type { PriorityClasses } from '../kubernetes/priority-classes';
import type { ClusterPlan, PlatformContext, Taint, TeamOnCluster } from '../../plan';
import { GPU_TAINT } from '../../plan';

/** A pod toleration, as charts take it. */
export interface Toleration {
  /** The taint's key. */
  readonly key: string;
  /** `Equal` matches the taint's value too; `Exists` any value. */
  readonly operator: 'Equal' | 'Exists';
  /**
   * The taint's value (with `Equal`).
   * @default none
   */
  readonly value?: string;
  /** The taint's effect (`NoSchedule`, `PreferNoSchedule`, `NoExecute`). */
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

/** What every add-on is given: the platform, its cluster, and that cluster's namespaces and priority classes. */
export interface AddonContext {
  /** The platform's settings (name, environment, labels). */
  readonly platform: PlatformContext;
  /** The cluster the add-on is installed on. */
  readonly cluster: IKubernetesCluster;
  /** The platform namespaces of the add-ons stack, by role. */
  readonly namespaces: AddonNamespaces;
  /** The flavour's priority classes (controllers take `loom-critical`). */
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
  /**
   * The teams onboarded onto the cluster, with their share of it (`teams[]`): on a batch cluster
   * the platform's own queue leaves their nominal quota to them (see `kueue.ts`).
   */
  readonly teams: readonly TeamOnCluster[];
}

/** The node label of the system pool that controllers select (set by Loom on the pool). */
export const SYSTEM_ROLE_LABEL = 'loom.dev/role';
/** The node label saying whether a pool's nodes are spot or on-demand (set by Loom on every pool). */
export const CAPACITY_LABEL = 'loom.dev/capacity';

/** Where a cluster's platform controllers run. */
export interface ControllerPlacement {
  /** `{}` where the cluster has no system pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The system pool's taints, tolerated; none where the cluster has no system pool. */
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
export function placementValues(p: ControllerPlacement): {
  /** The chart's `nodeSelector`, when the placement selects nodes. */
  nodeSelector?: Record<string, string>;
  /** The chart's `tolerations`, when the placement tolerates taints. */
  tolerations?: Toleration[];
} {
  return {
    ...(Object.keys(p.nodeSelector).length ? { nodeSelector: { ...p.nodeSelector } } : {}),
    ...(p.tolerations.length ? { tolerations: [...p.tolerations] } : {}),
  };
}

/** The platform controllers' placement of an add-on context, as chart values ({@link placementValues}). */
export function controllerValues(ctx: Pick<AddonContext, 'controllerNodeSelector' | 'controllerTolerations'>): {
  /** The chart's `nodeSelector`, when the controllers select the system pool. */
  nodeSelector?: Record<string, string>;
  /** The chart's `tolerations`, when the system pool is tainted. */
  tolerations?: Toleration[];
} {
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

/** An installed add-on: its Helm releases and the metrics endpoints it serves. */
export interface IAddon extends IConstruct {
  /** The add-on's Helm releases. */
  readonly releases: readonly AddonRelease[];
  /** Its metrics endpoints, which the platform's monitoring scrapes whatever its mode. */
  readonly scrapeTargets: readonly ScrapeTarget[];
}

/** The add-ons installed so far on a cluster, by name. */
export type InstalledAddons = ReadonlyMap<string, IAddon>;

/**
 * What the add-on table decides on: a cluster's cloud, flavour and plan — a cluster construct, or
 * just its plan (the summaries list a cluster's add-ons before any construct exists).
 */
export type AddonTarget = Pick<IKubernetesCluster, 'cloud' | 'flavour' | 'plan'>;

/**
 * One row of the add-on table: what the add-on is called, which clusters get it, and how it is
 * installed. Loom's own add-ons are rows of `PLATFORM_ADDONS`; a custom add-on is a row of the
 * same shape given to `PlatformAddons.addAddon`, `AddonsStack.addAddon` or `MlPlatform.addAddon`.
 */
export interface AddonDefinition {
  /** The add-on's name (unique on a cluster), as summaries list it. */
  readonly name: string;
  /** Whether `cluster` gets the add-on (decided from its cloud, flavour and plan alone). */
  appliesTo(cluster: AddonTarget): boolean;
  /**
   * Builds the add-on under `scope` (its own construct, id of its choosing) with the context every
   * add-on of the cluster shares; `installed` holds the add-ons installed before it.
   */
  install(scope: Construct, ctx: AddonContext, installed: InstalledAddons): IAddon;
}
