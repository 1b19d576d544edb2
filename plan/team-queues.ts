/**
 * The teams' share of a batch cluster's queues (pure): each team's nominal quota split over the
 * cluster's Kueue flavours, what it may borrow, and what the platform's own ClusterQueue
 * (`loom-batch`) keeps — the flavours' capacity less the teams' shares, so that the cohort's
 * nominal quotas add up to the cluster exactly once.
 *
 * Quantities are integers so that shares add up exactly: CPU in millicores, memory in MiB.
 */
import type { QueueFlavor } from './capacity';
import type { TeamOnCluster } from './teams';

/** CPU cores in millicores, an integer (so that shares add up exactly). */
export const toMilli = (cores: number) => Math.round(cores * 1000);
/** Memory in GiB as MiB, an integer (so that shares add up exactly). */
export const toMi = (gib: number) => Math.round(gib * 1024);
/** Millicores as Kubernetes writes them: whole cores plainly. */
export const cpuQuantity = (milli: number): string => (milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`);
/** MiB as Kubernetes writes them: whole GiB as `Gi`. */
export const memoryQuantity = (mi: number): string => (mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`);

/** `total` (an integer) split in proportion to `weights`, largest remainders first, summing to `total` exactly. */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const w = weights.every((x) => x <= 0) ? weights.map(() => 1) : weights.map((x) => Math.max(0, x));
  const sum = w.reduce((a, b) => a + b, 0);
  const exact = w.map((x) => (total * x) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]!++;
  return out;
}

/** A team's share of one flavour: millicores, MiB, GPUs. */
export interface FlavourShare {
  /** CPU, millicores. */
  readonly cpu: number;
  /** Memory, MiB. */
  readonly memory: number;
  /** GPUs. */
  readonly gpus: number;
}

/**
 * The team's nominal quota split over the cluster's flavours (Kueue's quotas are per flavour; the
 * team's is per cluster), summing exactly to it: its GPUs over the GPU flavours in proportion to
 * their GPUs, with the CPU and memory those GPUs' nodes have per GPU (what its GPU jobs need
 * there); the rest of its CPU and memory over the CPU flavours in proportion to their size (over
 * the GPU flavours when the cluster has no other). Since every team's share of a flavour is in
 * proportion to it, the teams' shares of a flavour stay within it whenever their quotas stay
 * within the cluster, as validation requires.
 */
export function flavourShares(flavors: readonly QueueFlavor[], quota: Pick<TeamOnCluster['quota'], 'cpu' | 'memoryGiB' | 'gpus'>): FlavourShare[] {
  const cpu = toMilli(quota.cpu);
  const memory = toMi(quota.memoryGiB);
  const shares = flavors.map(() => ({ cpu: 0, memory: 0, gpus: 0 }));
  const gpuIdx = flavors.flatMap((f, i) => (f.quota.gpus > 0 ? [i] : []));
  const cpuIdx = flavors.flatMap((f, i) => (f.quota.gpus > 0 ? [] : [i]));
  if (gpuIdx.length && quota.gpus > 0) {
    const gpus = splitByWeight(quota.gpus, gpuIdx.map((i) => flavors[i]!.quota.gpus));
    const cpuNeed = gpuIdx.map((i, k) => Math.floor((gpus[k]! * toMilli(flavors[i]!.quota.vcpu)) / flavors[i]!.quota.gpus));
    const memNeed = gpuIdx.map((i, k) => Math.floor((gpus[k]! * toMi(flavors[i]!.quota.memoryGiB)) / flavors[i]!.quota.gpus));
    const fit = (need: number[], total: number) => (need.reduce((a, b) => a + b, 0) <= total ? need : splitByWeight(total, need));
    const cpuGpu = fit(cpuNeed, cpu);
    const memGpu = fit(memNeed, memory);
    gpuIdx.forEach((i, k) => (shares[i] = { cpu: cpuGpu[k]!, memory: memGpu[k]!, gpus: gpus[k]! }));
  }
  const rest = cpuIdx.length ? cpuIdx : gpuIdx;
  const cpuLeft = cpu - shares.reduce((n, s) => n + s.cpu, 0);
  const memLeft = memory - shares.reduce((n, s) => n + s.memory, 0);
  const cpuRest = splitByWeight(cpuLeft, rest.map((i) => flavors[i]!.quota.vcpu));
  const memRest = splitByWeight(memLeft, rest.map((i) => flavors[i]!.quota.memoryGiB));
  rest.forEach((i, k) => (shares[i] = { ...shares[i]!, cpu: shares[i]!.cpu + cpuRest[k]!, memory: shares[i]!.memory + memRest[k]! }));
  return shares;
}

/**
 * What the team may borrow on a batch cluster, in millicores, MiB and GPUs: its borrowing limit,
 * with memory in the proportion of its own quota (borrowed CPU brings the memory its jobs use; the
 * spec states no memory limit, and Kueue's absent limit would mean "unlimited").
 */
export function teamBorrowing(on: Pick<TeamOnCluster, 'quota' | 'borrowing'>): FlavourShare {
  const cpu = toMilli(on.borrowing.cpu);
  return { cpu, memory: Math.round((toMi(on.quota.memoryGiB) * cpu) / toMilli(on.quota.cpu)), gpus: on.borrowing.gpus };
}

/**
 * What the platform's own ClusterQueue keeps of each flavour on a cluster with `teams`: the
 * flavour's capacity less every team's share of it ({@link flavourShares}), never below zero. With
 * no teams it is the whole flavour.
 */
export function platformQueueShares(flavors: readonly QueueFlavor[], teams: readonly Pick<TeamOnCluster, 'quota'>[]): FlavourShare[] {
  const taken = flavors.map(() => ({ cpu: 0, memory: 0, gpus: 0 }));
  for (const on of teams) {
    flavourShares(flavors, on.quota).forEach((s, i) => {
      const t = taken[i]!;
      taken[i] = { cpu: t.cpu + s.cpu, memory: t.memory + s.memory, gpus: t.gpus + s.gpus };
    });
  }
  return flavors.map((f, i) => ({
    cpu: Math.max(0, toMilli(f.quota.vcpu) - taken[i]!.cpu),
    memory: Math.max(0, toMi(f.quota.memoryGiB) - taken[i]!.memory),
    gpus: Math.max(0, f.quota.gpus - taken[i]!.gpus),
  }));
}
