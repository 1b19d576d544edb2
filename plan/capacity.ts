/**
 * What a cluster's nodes add up to, from the machine-type catalogue (cloud pools) or from the spec
 * (existing clusters): the quotas Kueue admits batch work against and the limits Karpenter
 * provisions within. Pure TypeScript, like the rest of the plan.
 *
 * A pool may list several machine types, and its nodes may be any of them. Two readings follow,
 * and each consumer takes the safe one:
 *
 * - **Quotas (Kueue) take the floor**: per resource, the smallest machine type's figure times
 *   `maxNodes`. A full pool always has at least that much, so whatever Kueue admits can be
 *   scheduled; taking a larger type would admit work that a pool of smaller nodes cannot run,
 *   leaving admitted pods pending, which is what queueing is meant to prevent.
 * - **Limits (Karpenter) take the ceiling**: per resource, the largest machine type's figure times
 *   `maxNodes`, plus `nodes: maxNodes`. Karpenter then never stops short of `maxNodes` nodes of any
 *   listed type, and the node count keeps smaller types from exceeding `maxNodes` either.
 *
 * Figures are the instance sizes from the catalogue; a node's allocatable is a few percent lower
 * (kubelet and system reservations), so a queue filled to its quota may leave the last pods of a
 * full pool waiting for a node, never the other way round.
 */
import type { Cloud, ExistingCapacitySpec } from '../schema/schema';
import type { RegionalCloud } from '../catalog/regions';
import { requireMachineTypeFacts, type GpuType } from '../catalog/machine-types';
import type { ClusterPlan, NodePoolPlan, Taint } from './index';

/** What one node offers. */
export interface NodeResources {
  /** vCPUs (of the node; of the whole group in {@link GroupResources}). */
  readonly vcpu: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** NVIDIA GPUs. */
  readonly gpus: number;
}

/** Resources of a whole node group (`nodes` × one node). */
export interface GroupResources extends NodeResources {
  /** How many nodes: a pool's `maxNodes`, an existing node group's `nodes`. */
  readonly nodes: number;
}

/** GPUs per node: the catalogue's for GPU families; the pool's attached count otherwise (GCP n1). */
function gpusPerNode(factsGpus: number, pool: NodePoolPlan): number {
  if (factsGpus > 0) return factsGpus;
  return pool.gpu?.count ?? 0;
}

function poolFacts(cloud: RegionalCloud, cluster: Pick<ClusterPlan, 'name'>, pool: NodePoolPlan): NodeResources[] {
  return pool.machineTypes.map((mt) => {
    const f = pool.machineFacts?.[mt] ?? requireMachineTypeFacts(cloud, mt, `cluster '${cluster.name}', pool '${pool.name}'`);
    return { vcpu: f.vcpu, memoryGiB: f.memoryGiB, gpus: gpusPerNode(f.gpus, pool) };
  });
}

const pick = (all: NodeResources[], choose: (...n: number[]) => number): NodeResources => ({
  vcpu: choose(...all.map((f) => f.vcpu)),
  memoryGiB: choose(...all.map((f) => f.memoryGiB)),
  gpus: choose(...all.map((f) => f.gpus)),
});

/** The smallest node a pool can have, resource by resource (quotas). */
export function poolFloor(cloud: RegionalCloud, cluster: Pick<ClusterPlan, 'name'>, pool: NodePoolPlan): NodeResources {
  return pick(poolFacts(cloud, cluster, pool), Math.min);
}

/** The largest node a pool can have, resource by resource (limits). */
export function poolCeiling(cloud: RegionalCloud, cluster: Pick<ClusterPlan, 'name'>, pool: NodePoolPlan): NodeResources {
  return pick(poolFacts(cloud, cluster, pool), Math.max);
}

const times = (n: number, r: NodeResources): GroupResources => ({ nodes: n, vcpu: n * r.vcpu, memoryGiB: n * r.memoryGiB, gpus: n * r.gpus });

/** Karpenter NodePool limits of a pool: `maxNodes` of its largest machine type. */
export function poolLimits(cloud: RegionalCloud, cluster: Pick<ClusterPlan, 'name'>, pool: NodePoolPlan): GroupResources {
  return times(pool.maxNodes, poolCeiling(cloud, cluster, pool));
}

/** A Kueue ResourceFlavor and its nominal quota. */
export interface QueueFlavor {
  /** The ResourceFlavor's name: `loom-<pool>`. */
  readonly name: string;
  /** The pool (or existing node group) it stands for. */
  readonly source: string;
  /** Labels that select the flavour's nodes. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /** Taints of those nodes: admitted pods get matching tolerations. */
  readonly taints: readonly Taint[];
  /** Nominal quota: the whole group's resources. */
  readonly quota: GroupResources;
  /** The GPU model of the flavour's nodes, when they have GPUs. */
  readonly gpuModel?: GpuType;
}

/** `loom-<pool>`: ResourceFlavors are cluster-scoped, so Loom's carry a prefix. */
export const queueFlavorName = (source: string) => `loom-${source}`;

/**
 * The Kueue flavours of a batch cluster, CPU pools first: Kueue tries a ClusterQueue's flavours in
 * order, so CPU-only work fills the CPU pools before it is ever placed on (costlier) GPU nodes.
 *
 * - Cloud clusters: one per pool, selected by `loom.dev/pool`, quota = `maxNodes` × the pool's
 *   floor (see the module comment), GPU pools tolerated for the GPU taint.
 * - Existing clusters: one per `existing.capacity` entry, as described there; none without it.
 */
export function queueFlavors(cloud: Cloud, cluster: Pick<ClusterPlan, 'name' | 'pools' | 'spec'>): QueueFlavor[] {
  const flavors: QueueFlavor[] =
    cloud === 'kubernetes'
      ? (cluster.spec.existing?.capacity ?? []).map(existingFlavor)
      : cluster.pools.map((pool) => ({
          name: queueFlavorName(pool.name),
          source: pool.name,
          nodeLabels: { 'loom.dev/pool': pool.name },
          taints: pool.taints,
          quota: times(pool.maxNodes, poolFloor(cloud, cluster, pool)),
          ...(pool.gpu ? { gpuModel: pool.gpu.type } : {}),
        }));
  return [...flavors.filter((f) => f.quota.gpus === 0), ...flavors.filter((f) => f.quota.gpus > 0)];
}

function existingFlavor(c: ExistingCapacitySpec): QueueFlavor {
  return {
    name: queueFlavorName(c.name),
    source: c.name,
    nodeLabels: { ...c.nodeLabels },
    taints: c.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
    quota: times(c.nodes, { vcpu: c.cpu, memoryGiB: c.memoryGiB, gpus: c.gpus }),
  };
}

/** Whether a cluster has NVIDIA GPUs: a GPU pool (cloud clusters), or `existing.gpu`. */
export function clusterHasGpus(cluster: Pick<ClusterPlan, 'pools' | 'spec'>): boolean {
  return cluster.pools.some((p) => p.gpu !== undefined) || cluster.spec.existing?.gpu !== undefined;
}
