/**
 * The Google Cloud part of the address plan: pod and service secondary ranges per cluster, and
 * the control plane's /28, all pure and deterministic like the rest of `addresses.ts`.
 *
 * - Pod and service ranges come from `network.podCidr`, laid out like `network.cidr`: services
 *   from its top /16 (sixteen /20s, one per cluster at most), pods from the rest, bottom up. Both
 *   are handed out in spec order by a {@link SequentialAllocator} (the flavour's `podRangePrefix`
 *   and `serviceRangePrefix`), so appending a cluster never moves a range. Keeping the small
 *   service ranges apart stops them from breaking the alignment of the large pod ranges.
 * - Control-plane ranges (/28 each) come from the topmost /24 of `network.cidr`: the last zone
 *   slot of the public block, which no zone uses (zones take at most six of its eight slots) and
 *   which Google Cloud, having no public subnets, leaves free anyway. Inside `network.cidr` so that
 *   the platform's internal firewall rule covers the control plane's endpoint with no extra rule.
 */
import {
  formatCidr,
  parseCidr,
  PlanError,
  PUBLIC_BLOCK_PREFIX,
  SequentialAllocator,
  sizeOf,
  SLOT_BITS,
  subdivide,
  ZONE_SLOTS,
  type Cidr,
} from './addresses';
import { FLAVOUR_PROFILES } from './flavours';
import type { Flavour } from '../schema/schema';

/** Pods per node Loom configures on GKE (GKE's default and maximum for Standard clusters). */
export const GKE_MAX_PODS_PER_NODE = 110;
/**
 * Pod addresses GKE reserves per node: twice the max pods, rounded up to a power of two — a /24
 * (256 addresses) at 110 pods.
 */
export const GKE_POD_ADDRESSES_PER_NODE = 2 ** Math.ceil(Math.log2(2 * GKE_MAX_PODS_PER_NODE));
/** Size of each cluster's control-plane range (GKE wants a /28). */
export const GKE_CONTROL_PLANE_PREFIX = 28;
/** The top block of `network.podCidr` that service ranges come from. */
export const SERVICE_BLOCK_PREFIX = 16;

/** What one GKE cluster adds to the address plan. */
export interface GcpClusterRanges {
  /** Secondary range of the cluster's subnetwork for pods. */
  readonly podRange: string;
  /** Secondary range of the cluster's subnetwork for services. */
  readonly serviceRange: string;
  /** Names of those secondary ranges (unique in the platform, ≤ 63 characters). */
  readonly podRangeName: string;
  /** The service range's name (unique in the platform, ≤ 63 characters). */
  readonly serviceRangeName: string;
  /** The /28 the control plane's private endpoint takes (`master_ipv4_cidr_block`). */
  readonly controlPlaneRange: string;
}

/** Secondary range names of a cluster's subnetwork. */
export const gcpRangeNames = (resourceName: string) => ({ pods: `${resourceName}-pods`, services: `${resourceName}-services` });

/** The /24 at the top of `network.cidr` that control-plane ranges are cut from. */
export function controlPlaneBlock(networkCidr: string): Cidr {
  const range = parseCidr(networkCidr);
  const top = range.base + sizeOf(range.prefix);
  const publicBlock: Cidr = { base: top - sizeOf(PUBLIC_BLOCK_PREFIX), prefix: PUBLIC_BLOCK_PREFIX };
  return subdivide(publicBlock, SLOT_BITS, ZONE_SLOTS - 1);
}

/** A cluster as the range planners see it. */
export interface PlannedClusterName {
  /** The cluster's name in the spec. */
  readonly name: string;
  /** Its flavour, which sizes its pod and service ranges. */
  readonly flavour: Flavour;
  /** Its cloud-side name, `<platform>-<cluster>`, from which the range names derive. */
  readonly resourceName: string;
}

/**
 * Hands out the Google Cloud ranges of clusters one at a time, in the order they are placed (spec
 * order): appending a cluster never moves the ranges of the ones before it. Throws
 * {@link PlanError} when `podCidr` or the control-plane block runs out of room.
 */
export class GcpRangePlanner {
  private readonly pods: SequentialAllocator;
  private readonly services: SequentialAllocator;
  private readonly controlPlanes: SequentialAllocator;

  constructor(networkCidr: string, podCidr: string) {
    const range = parseCidr(podCidr);
    if (range.prefix >= SERVICE_BLOCK_PREFIX) {
      throw new PlanError(
        'network.podCidr',
        `${podCidr} is too small: service ranges take its top /${SERVICE_BLOCK_PREFIX} and pod ranges the rest; use a /${SERVICE_BLOCK_PREFIX - 1} or larger (the default is 172.16.0.0/12)`,
      );
    }
    const serviceBlock: Cidr = { base: range.base + sizeOf(range.prefix) - sizeOf(SERVICE_BLOCK_PREFIX), prefix: SERVICE_BLOCK_PREFIX };
    this.pods = new SequentialAllocator(range, serviceBlock.base, 'network.podCidr');
    this.services = new SequentialAllocator(serviceBlock, undefined, 'network.podCidr');
    this.controlPlanes = new SequentialAllocator(controlPlaneBlock(networkCidr), undefined, 'clusters');
  }

  /** The ranges of the next cluster. */
  place(c: PlannedClusterName): GcpClusterRanges {
    const profile = FLAVOUR_PROFILES[c.flavour];
    const podRange = this.pods.allocate(profile.podRangePrefix, `the pods of cluster '${c.name}' (${c.flavour})`);
    const serviceRange = this.services.allocate(profile.serviceRangePrefix, `the services of cluster '${c.name}' (${c.flavour})`);
    const controlPlane = this.controlPlanes.allocate(GKE_CONTROL_PLANE_PREFIX, `the control plane of cluster '${c.name}'`);
    const names = gcpRangeNames(c.resourceName);
    return {
      podRange: formatCidr(podRange),
      serviceRange: formatCidr(serviceRange),
      podRangeName: names.pods,
      serviceRangeName: names.services,
      controlPlaneRange: formatCidr(controlPlane),
    };
  }
}

/** The most clusters a Google Cloud platform takes: one control-plane /28 each in the top /24. */
export const GCP_MAX_CLUSTERS = sizeOf(24) / sizeOf(GKE_CONTROL_PLANE_PREFIX);

/**
 * Lays out the Google Cloud ranges of every cluster, in spec order ({@link GcpRangePlanner}).
 * Throws {@link PlanError} when `podCidr` or the control-plane block runs out of room.
 */
export function planGcpRanges(networkCidr: string, podCidr: string, clusters: readonly PlannedClusterName[]): Map<string, GcpClusterRanges> {
  if (clusters.length > GCP_MAX_CLUSTERS) {
    throw new PlanError(
      'clusters',
      `lists ${clusters.length} clusters; a Google Cloud platform takes at most ${GCP_MAX_CLUSTERS} (each takes a /${GKE_CONTROL_PLANE_PREFIX} control-plane range from the top /24 of network.cidr and a service range from the top /${SERVICE_BLOCK_PREFIX} of network.podCidr)`,
    );
  }
  const planner = new GcpRangePlanner(networkCidr, podCidr);
  return new Map(clusters.map((c) => [c.name, planner.place(c)]));
}

/** How many nodes a pod range of `/prefix` can hold at {@link GKE_MAX_PODS_PER_NODE} pods each. */
export function gkeNodeCapacity(podRangePrefix: number): number {
  return Math.floor(sizeOf(podRangePrefix) / GKE_POD_ADDRESSES_PER_NODE);
}
