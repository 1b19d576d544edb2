/**
 * The resolved plan: everything the stacks need, computed from a validated spec in pure
 * TypeScript (no cdktf), so it can be unit-tested and reasoned about on its own.
 */
import type { ClusterSpec, ComponentName, Flavour, PlatformSpec } from '../schema/schema';
import { COMPONENTS, networkSchema, settingsOf } from '../schema/schema';
import { defaultZones, type RegionalCloud } from '../catalog/regions';
import { machineTypeFacts, type CustomMachineTypes, type GpuType, type MachineTypeFacts } from '../catalog/machine-types';
import { FLAVOUR_PROFILES, GPU_TAINT, type FlavourProfile } from './flavours';
import {
  formatCidr,
  parseCidr,
  PlanError,
  PUBLIC_BLOCK_PREFIX,
  SequentialAllocator,
  sizeOf,
  SLOT_BITS,
  subdivide,
  type Cidr,
} from './addresses';
import { clusterResourceName, stackNames } from './names';
import { planGcpRanges, type GcpClusterRanges } from './gcp';

export { FLAVOUR_PROFILES, GPU_TAINT, type FlavourProfile } from './flavours';
export { PlanError, reservedLoadBalancerAddress, LOAD_BALANCER_SLOT_COUNT, type ReservedAddress } from './addresses';
export * from './names';
export * from './components';
export * from './capacity';
export * from './settings';
export * from './stores';
export * from './teams';
export * from './team-queues';
import { resolvePlatformContext, type PlatformContext } from './settings';
import { resolveTeams, type TeamPlan } from './teams';
export {
  GKE_CONTROL_PLANE_PREFIX,
  GKE_MAX_PODS_PER_NODE,
  GKE_POD_ADDRESSES_PER_NODE,
  GCP_MAX_CLUSTERS,
  GcpRangePlanner,
  gkeNodeCapacity,
  planGcpRanges,
  type GcpClusterRanges,
} from './gcp';

/** A Kubernetes node taint Loom puts on a pool's nodes (GPU pools, system pools). */
export interface Taint {
  /** The taint's key, e.g. `nvidia.com/gpu`. */
  readonly key: string;
  /** The taint's value, e.g. `present`. */
  readonly value: string;
  /** What the taint does to pods that do not tolerate it. */
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A subnet in one zone. */
export interface ZoneSubnet {
  /** The zone's name, e.g. `us-east-1a`. */
  readonly zone: string;
  /** The subnet's range, cut from the platform's `network.cidr`. */
  readonly cidr: string;
}

/** A node pool as the cluster constructs build it: the spec's pool with the flavour's defaults and Loom's labels and taints. */
export interface NodePoolPlan {
  /** The pool's name (`system` for a cluster's system pool). */
  readonly name: string;
  /** Machine types, the first the primary one. */
  readonly machineTypes: readonly string[];
  /** The fewest nodes the autoscaler keeps. */
  readonly minNodes: number;
  /** The most nodes the autoscaler may add. */
  readonly maxNodes: number;
  /** Nodes at creation: the minimum, but at least one where the pool cannot scale to zero. */
  readonly desiredNodes: number;
  /** Root volume size, GB. */
  readonly diskGb: number;
  /** Whether the nodes are spot / preemptible: the spec's `spot`, else the flavour's default. */
  readonly spot: boolean;
  /** The GPUs of each node, on GPU pools. */
  readonly gpu?: {
    /** The NVIDIA GPU model. */
    readonly type: GpuType;
    /** GPUs per node. */
    readonly count: number;
  };
  /** Kubernetes node labels: the pool's own plus Loom's. */
  readonly labels: Readonly<Record<string, string>>;
  /** Node taints: the GPU taint on GPU pools, the system taint on system pools. */
  readonly taints: readonly Taint[];
  /** Zones the pool's nodes may run in. */
  readonly zones: readonly string[];
  /**
   * The size of each of the pool's machine types that the catalogue or the spec's `machineTypes`
   * describes (capacity planning reads these; types neither describes are absent).
   */
  readonly machineFacts: Readonly<Record<string, MachineTypeFacts>>;
}

/** The facts of `types` that the catalogue or the spec describes. */
export function describedMachineTypes(cloud: PlatformSpec['cloud'], types: readonly string[], custom: CustomMachineTypes): Record<string, MachineTypeFacts> {
  if (cloud === 'kubernetes') return {};
  const out: Record<string, MachineTypeFacts> = {};
  for (const t of types) {
    const facts = machineTypeFacts(cloud, t, custom);
    if (facts) out[t] = facts;
  }
  return out;
}

/** One resolved cluster: what the cluster stack and its add-ons stack are built from. */
export interface ClusterPlan {
  /** The cluster's name in the spec. */
  readonly name: string;
  /** Its flavour. */
  readonly flavour: Flavour;
  /** The flavour's profile (capacity, scaling, placement, address block). */
  readonly profile: FlavourProfile;
  /** The Kubernetes minor, e.g. `1.36`. */
  readonly kubernetesVersion: string;
  /** Cloud-side name, `<platform>-<cluster>`. */
  readonly resourceName: string;
  /** The stack that creates the cluster, `<platform>-cluster-<cluster>`. */
  readonly stackName: string;
  /** The stack that installs its add-ons and components, `<platform>-addons-<cluster>`. */
  readonly addonsStackName: string;
  /** Zones the cluster's nodes may use (one for a single-zone batch cluster). */
  readonly nodeZones: readonly string[];
  /** The cluster's block of the platform CIDR (aws, gcp). */
  readonly block?: string;
  /** Per-zone private node subnets (aws, gcp; on gcp the block itself is the subnetwork). */
  readonly nodeSubnets: readonly ZoneSubnet[];
  /** The spec's node pools, resolved (the system pool is apart, in `systemPool`). */
  readonly pools: readonly NodePoolPlan[];
  /** CIDRs allowed to reach a public API endpoint; empty, the endpoint stays private. */
  readonly publicAccessCidrs: readonly string[];
  /**
   * Networks routed into the VPC (VPN, CI runners, a bastion) allowed to reach the private API
   * endpoint on 443: on EKS ingress rules on the cluster security group, on GKE authorized networks.
   */
  readonly privateAccessCidrs: readonly string[];
  /** The node autoscaler (AWS; GKE's is built in). */
  readonly autoscaler: 'cluster-autoscaler' | 'karpenter';
  /**
   * The small on-demand node group (EKS) or node pool (GKE) where the cluster's own controllers run
   * (see {@link SYSTEM_POOL} and {@link needsSystemPool}). With `autoscaler: karpenter` the spec's
   * pools become Karpenter NodePools and this is the cluster's only managed node group.
   */
  readonly systemPool?: NodePoolPlan;
  /** Why a batch cluster sits in one zone (`singleZone.reason`), when it does. */
  readonly singleZoneReason?: string;
  /** Google Cloud: the cluster's secondary ranges and control-plane range (cloud: gcp only). */
  readonly gcp?: GcpClusterRanges;
  /** The validated cluster spec it was resolved from. */
  readonly spec: ClusterSpec;
}

/** The resolved network (aws, gcp): what the network stack is built from. */
export interface NetworkPlan {
  /** The platform's address space (`network.cidr`). */
  readonly cidr: string;
  /** One NAT gateway, or one per zone. */
  readonly natGateways: 'single' | 'per-zone';
  /** How long VPC flow logs are kept (days). */
  readonly flowLogRetentionDays: number;
  /** AWS: interface VPC endpoints (ECR, STS, EC2) in the private subnets. */
  readonly interfaceEndpoints: boolean;
  /** One public subnet per zone, from the top of `cidr` (load balancers, NAT gateways). */
  readonly publicSubnets: readonly ZoneSubnet[];
  /** Google Cloud: the range pod and service ranges are cut from (cloud: gcp only). */
  readonly podCidr?: string;
}

/** One component of the spec, placed. */
export interface ComponentPlan {
  /** Which component. */
  readonly name: ComponentName;
  /** Built on the platform's clusters, or bought from the cloud. */
  readonly mode: 'build' | 'buy';
  /** The cluster it runs on (build), or whose consumers it serves. */
  readonly cluster?: string;
}

/** The resolved plan of a whole platform: everything the stacks need, computed from a validated spec. */
/**
 * The resolved platform: its settings as every stack carries them ({@link PlatformContext}) and
 * every part — network, clusters, components — resolved from the spec.
 */
export interface PlatformPlan extends PlatformContext {
  /** The platform's zones: the listed ones, else derived from the region (none on `kubernetes`). */
  readonly zones: readonly string[];
  /** The network (aws, gcp). */
  readonly network?: NetworkPlan;
  /** Every cluster, in spec order. */
  readonly clusters: readonly ClusterPlan[];
  /** The components the spec lists, in {@link COMPONENTS} order. */
  readonly components: readonly ComponentPlan[];
  /** The teams onboarded, resolved (`teams`). */
  readonly teams: readonly TeamPlan[];
  /** The names of the platform-wide stacks. */
  readonly stacks: {
    /** The network stack, `<platform>-network`. */
    readonly network: string;
    /** The services stack (managed services, bought components), `<platform>-services`. */
    readonly services: string;
  };
  /** The validated spec it was resolved from. */
  readonly spec: PlatformSpec;
}

/** Which flavours each component may run on, first the one it defaults to. */
export const COMPONENT_FLAVOURS: Readonly<Record<ComponentName, readonly Flavour[]>> = {
  registry: ['microservice', 'batch', 'streaming'],
  experimentTracking: ['microservice'],
  featureStore: ['microservice'],
  serving: ['microservice', 'batch'],
  monitoring: ['microservice', 'streaming', 'batch'],
  pipelines: ['batch'],
  streaming: ['streaming'],
};

/**
 * Flavours a bought component's in-cluster part may run on where they differ from its built
 * form's: bought streaming (MSK's or Managed Kafka's cluster in that cluster's subnets, MSK's
 * topics Job on it) needs no streaming cluster — a streaming one first, else any.
 */
const BOUGHT_FLAVOURS: Readonly<Partial<Record<ComponentName, readonly Flavour[]>>> = {
  streaming: ['streaming', 'microservice', 'batch'],
};

/** The flavours `component` may run on when provided by `mode`, first the preferred one. */
export function componentFlavours(component: ComponentName, mode: 'build' | 'buy' = 'build'): readonly Flavour[] {
  return (mode === 'buy' ? BOUGHT_FLAVOURS[component] : undefined) ?? COMPONENT_FLAVOURS[component];
}

/**
 * The cluster a component runs on: the named one, else the first whose flavour suits it
 * (`component`'s flavours in {@link COMPONENT_FLAVOURS}, or the flavours given, first the preferred one).
 */
export function componentCluster<C extends Pick<ClusterSpec, 'name' | 'flavour'>>(
  spec: { readonly clusters: readonly C[] },
  component: ComponentName | readonly Flavour[],
  named?: string,
): C | undefined {
  if (named !== undefined) return spec.clusters.find((c) => c.name === named);
  const suits = typeof component === 'string' ? COMPONENT_FLAVOURS[component] : component;
  return spec.clusters.find((c) => c.flavour === suits[0]) ?? spec.clusters.find((c) => suits.includes(c.flavour));
}

/** Zones of the platform: the listed ones, else derived from the region. */
export function platformZones(spec: Pick<PlatformSpec, 'cloud' | 'region' | 'network'>): string[] {
  if (spec.cloud === 'kubernetes' || !spec.region) return [];
  const network = spec.network ?? networkSchema.parse({});
  return network.availabilityZones?.slice(0, network.zones) ?? defaultZones(spec.cloud as RegionalCloud, spec.region, network.zones);
}

/** The size of the data tier block: a /22, one /25 per zone (AWS) or four /24s for Google's service producers. */
export const DATA_TIER_PREFIX = 22;

/** Where the data tier sits in the platform's address plan. */
export interface DataTierPlacement {
  /** The data tier's block. */
  readonly block: string;
  /** One subnet per zone (AWS). */
  readonly subnets: readonly ZoneSubnet[];
}

/** Where a cluster sits in the platform's address plan. */
export interface ClusterPlacement {
  /** The cluster's block of the platform CIDR. */
  readonly block: string;
  /** Its per-zone private node subnets. */
  readonly nodeSubnets: readonly ZoneSubnet[];
}

/**
 * The platform's address plan, handed out one cluster at a time: the public block at the top of
 * `network.cidr`, one block per cluster from the bottom, in the order clusters are placed. A
 * network construct and {@link resolvePlan} both use it, so that a hand-composed platform gets
 * the addresses its spec would, and appending a cluster never moves the blocks before it.
 * Throws {@link PlanError} when a block does not fit.
 */
export class AddressPlanner {
  /** One public subnet per zone, from the top of the platform CIDR. */
  readonly publicSubnets: readonly ZoneSubnet[];
  private readonly allocator: SequentialAllocator;
  private readonly publicBase: number;
  private dataTierOf?: DataTierPlacement;

  constructor(
    cidr: string,
    /** The platform's zones; every cluster gets a node subnet in each. */
    readonly zones: readonly string[],
  ) {
    const range = parseCidr(cidr);
    const top = range.base + sizeOf(range.prefix);
    if (range.prefix > PUBLIC_BLOCK_PREFIX) {
      throw new PlanError('network.cidr', `${cidr} is too small: the public subnets alone need a /${PUBLIC_BLOCK_PREFIX}; use a /16 to /20`);
    }
    const publicBlock: Cidr = { base: top - sizeOf(PUBLIC_BLOCK_PREFIX), prefix: PUBLIC_BLOCK_PREFIX };
    this.publicSubnets = zones.map((zone, i) => ({ zone, cidr: formatCidr(subdivide(publicBlock, SLOT_BITS, i)) }));
    this.allocator = new SequentialAllocator(range, publicBlock.base);
    this.publicBase = publicBlock.base;
  }

  /**
   * The data tier: the fixed /{@link DATA_TIER_PREFIX} right below the public block, where managed
   * databases and caches go (AWS: one subnet per zone; Google Cloud: the private services access
   * range). Fixed at the top while clusters fill from the bottom, so that neither ever renumbers the
   * other; once reserved, no cluster is placed in it. Throws {@link PlanError} when clusters already
   * reach into it.
   */
  dataTier(): DataTierPlacement {
    if (this.dataTierOf) return this.dataTierOf;
    const block: Cidr = { base: this.publicBase - sizeOf(DATA_TIER_PREFIX), prefix: DATA_TIER_PREFIX };
    this.allocator.stopAt(block.base, `the data tier (${formatCidr(block)}, below the public subnets)`);
    this.dataTierOf = {
      block: formatCidr(block),
      subnets: this.zones.map((zone, i) => ({ zone, cidr: formatCidr(subdivide(block, SLOT_BITS, i)) })),
    };
    return this.dataTierOf;
  }

  /** The block and node subnets of the next cluster. */
  place(c: Pick<ClusterSpec, 'name' | 'flavour'>): ClusterPlacement {
    const block = this.allocator.allocate(FLAVOUR_PROFILES[c.flavour].blockPrefix, `cluster '${c.name}' (${c.flavour})`);
    return {
      block: formatCidr(block),
      nodeSubnets: this.zones.map((zone, i) => ({ zone, cidr: formatCidr(subdivide(block, SLOT_BITS, i)) })),
    };
  }
}

/**
 * Lays out the platform's addresses ({@link AddressPlanner}) for `clusters` in order. Throws
 * {@link PlanError} when they do not fit.
 */
export function planAddresses(cidr: string, zones: readonly string[], clusters: readonly Pick<ClusterSpec, 'name' | 'flavour'>[]) {
  const planner = new AddressPlanner(cidr, zones);
  const clusterBlocks = new Map<string, ClusterPlacement>(clusters.map((c) => [c.name, planner.place(c)]));
  return {
    /** One public subnet per zone. */
    publicSubnets: planner.publicSubnets,
    /** Each cluster's block and node subnets, by cluster name. */
    clusterBlocks,
  };
}

/**
 * The system node group of an EKS cluster: capacity that no autoscaler takes away, where the node
 * autoscaler itself, CoreDNS and the platform's controllers run.
 *
 * - Two on-demand `m7i.large` (2 vCPU, 8 GiB) nodes, three at most: enough for two Karpenter
 *   replicas (its chart keeps them on different nodes), CoreDNS, cert-manager, Kueue and the load
 *   balancer controller, spread over the cluster's zones.
 * - Tainted `CriticalAddonsOnly=true:NoSchedule`, so that workloads go to the spec's pools (which
 *   scale and consolidate) and only add-ons that tolerate the taint stay here; CoreDNS, the EBS CSI
 *   controller and Karpenter tolerate it out of the box, and Loom adds the toleration to every
 *   add-on it installs.
 * - Named `system`, which is why such a cluster's own pools may not use that name.
 *
 * On GKE the same pool (see {@link GKE_SYSTEM_POOL}) takes a Google Cloud machine type and GKE's
 * own system-pool taint.
 */
export const SYSTEM_POOL = {
  /** The pool's name, reserved on clusters that have one. */
  name: 'system',
  /** Its machine type on EKS. */
  machineType: 'm7i.large',
  /**
   * With built monitoring the pool also holds Prometheus, Alertmanager and (on the monitoring
   * cluster) Grafana — stateful, never on spot, and with Prometheus' requests of up to 4 GiB
   * (`MONITORING_PROFILES`): `m7i.xlarge` (4 vCPU, 16 GiB).
   */
  monitoringMachineType: 'm7i.xlarge',
  /** Two nodes, so that Karpenter's two replicas sit on different nodes. */
  minNodes: 2,
  /** Three at most. */
  maxNodes: 3,
  /** Root volume size, GB. */
  diskGb: 50,
  /** Keeps workloads off: only add-ons that tolerate it run here. */
  taint: {
    /** The taint's key. */
    key: 'CriticalAddonsOnly',
    /** The taint's value. */
    value: 'true',
    /** Pods without the toleration are not scheduled here. */
    effect: 'NoSchedule',
  },
} as const;

/**
 * What differs on GKE: two `e2-standard-2` (2 vCPU, 8 GiB, the cheapest general-purpose shape that
 * holds cert-manager, Kueue, the GPU operator and GKE's kube-dns and metrics agents), and the taint
 * GKE's managed components (kube-dns, metrics-server, konnectivity, event exporter) tolerate,
 * `components.gke.io/gke-managed-components`, which Google's own GKE blueprints put on their system
 * pools. Loom's add-ons tolerate it like every system-pool taint.
 */
export const GKE_SYSTEM_POOL = {
  /** Its machine type on GKE. */
  machineType: 'e2-standard-2',
  /** With built monitoring: `e2-standard-4` (4 vCPU, 16 GiB), as on EKS. */
  monitoringMachineType: 'e2-standard-4',
  /** The taint GKE's managed components tolerate. */
  taint: {
    /** The taint's key. */
    key: 'components.gke.io/gke-managed-components',
    /** The taint's value. */
    value: 'true',
    /** Pods without the toleration are not scheduled here. */
    effect: 'NoSchedule',
  },
} as const;

/**
 * Whether a pool gets one managed node group per zone: stateful streaming pools (brokers on zonal
 * EBS volumes) under cluster-autoscaler. A node group spanning zones lets the autoscaler grow it in
 * a zone where the pending broker's volume is not; EKS recommends one node group per zone for
 * EBS-backed stateful workloads, and `balance-similar-node-groups` keeps the zones even.
 * Karpenter picks the zone from the pod's volume itself, and a single-zone pool needs no split.
 */
export function zonalNodeGroups(cluster: Pick<ClusterPlan, 'flavour' | 'autoscaler'>, pool: Pick<NodePoolPlan, 'name' | 'zones'>): boolean {
  return cluster.flavour === 'streaming' && cluster.autoscaler === 'cluster-autoscaler' && pool.name !== SYSTEM_POOL.name && pool.zones.length > 1;
}

/** Whether a pool of the spec runs on spot capacity (the flavour's default unless the pool says). */
function poolIsSpot(profile: FlavourProfile, pool: NonNullable<ClusterSpec['nodePools']>[number]): boolean {
  return profile.spotAllowed && (pool.spot ?? (profile.spotByDefault && !pool.gpu));
}

/**
 * Whether a cluster gets a {@link SYSTEM_POOL}.
 *
 * - EKS: with Karpenter (which must not run on nodes it manages), and with cluster-autoscaler when
 *   every pool may scale to zero (a batch cluster) — the autoscaler runs inside the cluster, so
 *   with all pools at zero it would have nowhere to run and nothing would ever scale up.
 * - GKE: its autoscaler runs outside the cluster, but the platform's controllers (cert-manager,
 *   Kueue, the GPU operator) run on nodes; when no pool keeps on-demand nodes (every pool is spot
 *   or may scale to zero: a batch cluster) they would be preempted with spot nodes or have none.
 */
export function needsSystemPool(cloud: PlatformSpec['cloud'], cluster: Pick<ClusterSpec, 'autoscaler' | 'nodePools' | 'flavour'>): boolean {
  const pools = cluster.nodePools ?? [];
  if (cloud === 'gcp') {
    const profile = FLAVOUR_PROFILES[cluster.flavour];
    return pools.length > 0 && !pools.some((p) => p.minNodes > 0 && !poolIsSpot(profile, p));
  }
  if (cloud !== 'aws') return false;
  return cluster.autoscaler === 'karpenter' || (pools.length > 0 && pools.every((p) => p.minNodes === 0));
}

function planSystemPool(cluster: ClusterSpec, nodeZones: readonly string[], cloud: PlatformSpec['cloud'], hostsMonitoring: boolean): NodePoolPlan {
  const p = SYSTEM_POOL;
  const gke = cloud === 'gcp';
  const shapes = gke ? GKE_SYSTEM_POOL : p;
  const machineType = hostsMonitoring ? shapes.monitoringMachineType : shapes.machineType;
  return {
    name: p.name,
    machineTypes: [machineType],
    machineFacts: describedMachineTypes(cloud, [machineType], {}),
    minNodes: p.minNodes,
    // With Karpenter nothing scales a managed node group (Karpenter provisions its own nodes, and
    // no cluster-autoscaler runs): the group is as large as it starts (LOOM-AS-001).
    maxNodes: !gke && cluster.autoscaler === 'karpenter' ? p.minNodes : p.maxNodes,
    desiredNodes: p.minNodes,
    diskGb: p.diskGb,
    spot: false,
    labels: {
      'loom.dev/flavour': cluster.flavour,
      'loom.dev/cluster': cluster.name,
      'loom.dev/pool': p.name,
      'loom.dev/capacity': 'on-demand',
      'loom.dev/role': 'system',
    },
    taints: [{ ...(gke ? GKE_SYSTEM_POOL.taint : p.taint) }],
    zones: nodeZones,
  };
}

/**
 * On Google Cloud, a GPU node pool's label that turns off GKE's own NVIDIA device plugin, so that
 * the GPU operator's device plugin (which Loom installs on every cluster with GPU pools) is the only
 * one advertising `nvidia.com/gpu`. GKE keeps installing the driver (`gpu_driver_version`), which
 * the operator is configured to use. NVIDIA documents both settings for the operator on GKE.
 */
export const GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL = 'gke-no-default-nvidia-gpu-device-plugin';

function planPool(
  cluster: ClusterSpec,
  profile: FlavourProfile,
  pool: NonNullable<ClusterSpec['nodePools']>[number],
  nodeZones: readonly string[],
  cloud: PlatformSpec['cloud'],
  custom: CustomMachineTypes,
): NodePoolPlan {
  const spot = poolIsSpot(profile, pool);
  const labels: Record<string, string> = {
    ...pool.labels,
    'loom.dev/flavour': cluster.flavour,
    'loom.dev/cluster': cluster.name,
    'loom.dev/pool': pool.name,
    'loom.dev/capacity': spot ? 'spot' : 'on-demand',
  };
  const taints: Taint[] = [];
  if (pool.gpu) {
    labels['nvidia.com/gpu.present'] = 'true';
    labels['loom.dev/gpu'] = pool.gpu.type;
    if (cloud === 'gcp') labels[GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL] = 'true';
    taints.push({ ...GPU_TAINT });
  }
  return {
    name: pool.name,
    machineTypes: pool.machineTypes,
    minNodes: pool.minNodes,
    maxNodes: pool.maxNodes,
    desiredNodes: Math.max(pool.minNodes, profile.scaleToZero ? 0 : 1),
    diskGb: pool.diskGb,
    spot,
    ...(pool.gpu ? { gpu: { type: pool.gpu.type, count: pool.gpu.count } } : {}),
    labels,
    taints,
    zones: nodeZones,
    machineFacts: describedMachineTypes(cloud, pool.machineTypes, custom),
  };
}

/** Where a cluster goes and what it hosts, decided by its network and its platform. */
export interface ClusterSetting {
  /** The zones of the platform's network. */
  readonly zones: readonly string[];
  /** The cluster's block of the network (aws, gcp). */
  readonly block?: string;
  /** Its node subnets (aws, gcp). */
  readonly nodeSubnets?: readonly ZoneSubnet[];
  /** Its Google Cloud secondary and control-plane ranges (gcp). */
  readonly gcp?: GcpClusterRanges;
  /**
   * Built monitoring runs Prometheus on the cluster: its system pool, where it has one, takes the
   * larger machine type ({@link SYSTEM_POOL}`.monitoringMachineType`).
   */
  readonly hostsMonitoring: boolean;
}

/**
 * Resolves one validated cluster: its flavour profile, names, zones, pools and system pool. Pure;
 * `resolvePlan` and the cluster constructs both call it, so a cluster composed by hand is the
 * cluster its spec would give.
 */
export function planCluster(platform: Pick<PlatformSpec, 'name' | 'cloud' | 'machineTypes'>, c: ClusterSpec, where: ClusterSetting): ClusterPlan {
  const profile = FLAVOUR_PROFILES[c.flavour];
  const nodeZones = c.singleZone ? where.zones.slice(0, 1) : where.zones;
  return {
    name: c.name,
    flavour: c.flavour,
    profile,
    kubernetesVersion: c.kubernetesVersion,
    resourceName: clusterResourceName(platform.name, c.name),
    stackName: stackNames.cluster(platform.name, c.name),
    addonsStackName: stackNames.addons(platform.name, c.name),
    nodeZones,
    ...(where.block ? { block: where.block } : {}),
    nodeSubnets: where.nodeSubnets ?? [],
    pools: (c.nodePools ?? []).map((p) => planPool(c, profile, p, nodeZones, platform.cloud, platform.machineTypes)),
    publicAccessCidrs: c.endpoint.publicAccessCidrs,
    privateAccessCidrs: c.endpoint.privateAccessCidrs,
    autoscaler: c.autoscaler,
    ...(needsSystemPool(platform.cloud, c) ? { systemPool: planSystemPool(c, nodeZones, platform.cloud, where.hostsMonitoring) } : {}),
    ...(c.singleZone ? { singleZoneReason: c.singleZone.reason } : {}),
    ...(where.gcp ? { gcp: where.gcp } : {}),
    spec: c,
  };
}

/** Resolves a validated spec into the plan the stacks are built from. */
export function resolvePlan(spec: PlatformSpec): PlatformPlan {
  const zones = platformZones(spec);
  const network = spec.cloud === 'kubernetes' ? undefined : (spec.network ?? networkSchema.parse({}));
  const addresses = network ? planAddresses(network.cidr, zones, spec.clusters) : undefined;
  const gcpRanges =
    network && spec.cloud === 'gcp'
      ? planGcpRanges(network.cidr, network.podCidr, spec.clusters.map((c) => ({ ...c, resourceName: clusterResourceName(spec.name, c.name) })))
      : undefined;

  const clusters: ClusterPlan[] = spec.clusters.map((c) =>
    planCluster(spec, c, {
      zones,
      ...(addresses?.clusterBlocks.get(c.name) ?? {}),
      ...(gcpRanges?.has(c.name) ? { gcp: gcpRanges.get(c.name)! } : {}),
      // Built monitoring runs a Prometheus on every cluster, on the system pool where there is one.
      hostsMonitoring: spec.components.monitoring?.mode === 'build',
    }),
  );

  const components: ComponentPlan[] = [];
  for (const name of COMPONENTS) {
    const comp = spec.components[name];
    if (!comp) continue;
    const cluster = componentCluster(spec, componentFlavours(name, comp.mode), comp.cluster);
    components.push({ name, mode: comp.mode, ...(cluster ? { cluster: cluster.name } : {}) });
  }

  return {
    ...resolvePlatformContext(settingsOf(spec)),
    zones,
    ...(network && addresses
      ? {
          network: {
            cidr: network.cidr,
            natGateways: network.natGateways,
            flowLogRetentionDays: network.flowLogRetentionDays,
            interfaceEndpoints: network.interfaceEndpoints,
            publicSubnets: addresses.publicSubnets,
            ...(spec.cloud === 'gcp' ? { podCidr: network.podCidr } : {}),
          },
        }
      : {}),
    clusters,
    components,
    teams: resolveTeams(spec),
    state: spec.state,
    stacks: { network: stackNames.network(spec.name), services: stackNames.services(spec.name) },
    spec,
  };
}

/**
 * The AWS region of an S3 state bucket: `state.region`, else the platform's region on AWS; an
 * S3-compatible store (`state.endpoint`) takes `us-east-1` unless told (MinIO's and Ceph's
 * convention). Undefined where nothing says (validation asks for `state.region` then).
 */
export function s3StateRegion(spec: Pick<PlatformSpec, 'cloud' | 'region' | 'state'>): string | undefined {
  if (spec.state.backend !== 's3') return undefined;
  if (spec.state.region) return spec.state.region;
  if (spec.state.endpoint) return 'us-east-1';
  return spec.cloud === 'aws' ? spec.region : undefined;
}
