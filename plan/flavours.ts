/**
 * Cluster flavours as typed profiles: what differs between a microservice, a streaming and a
 * batch cluster in provisioning, network design and autoscaling. Constructs read these facts;
 * they never switch on the flavour name themselves.
 */
import type { Flavour } from '../schema/schema';

/** What a cluster flavour means in capacity, scaling, placement and addresses: one profile per flavour. */
export interface FlavourProfile {
  /** The flavour this profile is for. */
  readonly flavour: Flavour;
  /** Whether spot / preemptible capacity may be used at all. */
  readonly spotAllowed: boolean;
  /** Whether CPU pools use spot unless they say otherwise. */
  readonly spotByDefault: boolean;
  /** Whether pools may scale to zero nodes. */
  readonly scaleToZero: boolean;
  /** Minimum nodes per pool in prod (keeps a service up through a node loss). */
  readonly minNodesInProd: number;
  /** Whether node autoscalers may remove nodes (off for brokers holding partitions). */
  readonly scaleDown: boolean;
  /**
   * How long a node must be unneeded before the autoscaler removes it: cluster-autoscaler's
   * `scale-down-unneeded-time`, and Karpenter's `consolidateAfter` on the flavour's NodePools.
   */
  readonly scaleDownUnneededTime: string;
  /**
   * cluster-autoscaler's `scale-down-delay-after-add`: how long after a scale-up before scale-down
   * is considered again. Short on batch, whose bursts end as abruptly as they start.
   */
  readonly scaleDownDelayAfterAdd: string;
  /**
   * Remove only empty nodes (DaemonSets aside), never drain a busy one: a running training job
   * evicted by a scale-down restarts from scratch. cluster-autoscaler gets a utilisation threshold
   * no running pod stays under; Karpenter's NodePools consolidate `WhenEmpty`.
   */
  readonly scaleDownOnlyEmpty: boolean;
  /** How Karpenter disrupts the nodes of the flavour's NodePools (`autoscaler: karpenter`). */
  readonly karpenter: KarpenterDisruption;
  /**
   * How Karpenter disrupts the nodes of the flavour's GPU pools: GPU work (training jobs, model
   * servers that take minutes to load) is never moved to save money, so only empty GPU nodes are
   * consolidated.
   */
  readonly karpenterGpu: KarpenterDisruption;
  /** cluster-autoscaler expander. */
  readonly expander: 'least-waste' | 'priority' | 'random' | 'most-pods';
  /** Zones the flavour wants its nodes spread over (rack awareness for streaming). */
  readonly preferredZones: number;
  /** Whether the nodes may sit in one zone (GPU capacity), given a reason. */
  readonly singleZoneAllowed: boolean;
  /** Whether GPU pools make sense on this flavour. */
  readonly gpuAllowed: boolean;
  /** Node group rolling update: how many nodes may be replaced at once (percent). */
  readonly maxUnavailablePercent: number;
  /**
   * The cluster's block in the platform CIDR (prefix length). The block is cut into eight
   * per-zone node subnets (up to six zones, two spare), so the per-zone subnet is `blockPrefix + 3`.
   * Batch gets the largest block: many short-lived pods, and on AWS pods take VPC addresses.
   */
  readonly blockPrefix: number;
  /** Pod secondary range on Google Cloud (prefix length). */
  readonly podRangePrefix: number;
  /** Service secondary range on Google Cloud (prefix length). */
  readonly serviceRangePrefix: number;
  /**
   * GKE node pool autoscaling `location_policy`: BALANCED keeps zones even (services, brokers);
   * ANY takes whichever zone has capacity, which spot and GPU pools need.
   */
  readonly gkeLocationPolicy: 'BALANCED' | 'ANY';
  /** GKE cluster autoscaling profile: OPTIMIZE_UTILIZATION removes idle nodes sooner (batch). */
  readonly gkeAutoscalingProfile: 'BALANCED' | 'OPTIMIZE_UTILIZATION';
  /** Priority classes Loom creates on the flavour's clusters (name → value). */
  readonly priorityClasses: Readonly<Record<string, number>>;
}

/** Karpenter's disruption settings for a flavour's NodePools. */
export interface KarpenterDisruption {
  /**
   * Which nodes consolidation may remove: empty ones only, or also underutilised ones (whose pods
   * are moved elsewhere).
   */
  readonly consolidationPolicy: 'WhenEmpty' | 'WhenEmptyOrUnderutilized';
  /**
   * How many of a NodePool's nodes may be voluntarily disrupted at once (consolidation, drift), as
   * a count or percentage; `'0'` forbids voluntary disruption.
   */
  readonly disruptionBudget: string;
  /**
   * How many nodes may be replaced at once because they drifted (a new pinned AMI release, a
   * changed NodeClass), when stricter than {@link disruptionBudget}: `'0'` replaces no busy node —
   * a drifted node goes once it is empty (emptiness consolidation), so running jobs finish on the
   * old image. Drift honours budgets and `karpenter.sh/do-not-disrupt`.
   * @default the general budget
   */
  readonly driftBudget?: string;
  /**
   * How long a node lives before Karpenter replaces it (picks up new AMIs). Expiry is forceful in
   * Karpenter v1 — it consults no budget and drains the node whatever runs there — so pools whose
   * pods must not be killed (brokers, batch jobs) say `Never` and rely on drift instead.
   */
  readonly expireAfter: string;
}

/** The profile of each flavour: the one place flavour differences are written down. */
export const FLAVOUR_PROFILES: Readonly<Record<Flavour, FlavourProfile>> = {
  microservice: {
    flavour: 'microservice',
    spotAllowed: false,
    spotByDefault: false,
    scaleToZero: false,
    minNodesInProd: 2,
    scaleDown: true,
    scaleDownUnneededTime: '10m',
    scaleDownDelayAfterAdd: '10m',
    scaleDownOnlyEmpty: false,
    karpenter: { consolidationPolicy: 'WhenEmptyOrUnderutilized', disruptionBudget: '10%', expireAfter: '720h' },
    // Model servers on GPUs: empty nodes go, busy ones are not consolidated away (reloading a
    // model costs minutes); drift and expiry as for the other pools (services have PDBs).
    karpenterGpu: { consolidationPolicy: 'WhenEmpty', disruptionBudget: '10%', expireAfter: '720h' },
    expander: 'least-waste',
    preferredZones: 2,
    singleZoneAllowed: false,
    gpuAllowed: true,
    maxUnavailablePercent: 33,
    blockPrefix: 19,
    podRangePrefix: 16,
    serviceRangePrefix: 20,
    gkeLocationPolicy: 'BALANCED',
    gkeAutoscalingProfile: 'BALANCED',
    priorityClasses: { 'loom-critical': 1000000, 'loom-service': 100000 },
  },
  streaming: {
    flavour: 'streaming',
    spotAllowed: false,
    spotByDefault: false,
    scaleToZero: false,
    minNodesInProd: 3,
    scaleDown: false,
    scaleDownUnneededTime: '30m',
    scaleDownDelayAfterAdd: '10m',
    scaleDownOnlyEmpty: false,
    // Brokers hold partitions: Karpenter removes only empty nodes, never voluntarily disrupts a
    // broker's node (budget 0), and never expires one; replacing brokers is the operator's call.
    karpenter: { consolidationPolicy: 'WhenEmpty', disruptionBudget: '0', expireAfter: 'Never' },
    // No GPU pools on streaming clusters (gpuAllowed: false); the same rules if there were.
    karpenterGpu: { consolidationPolicy: 'WhenEmpty', disruptionBudget: '0', expireAfter: 'Never' },
    expander: 'priority',
    preferredZones: 3,
    singleZoneAllowed: false,
    gpuAllowed: false,
    maxUnavailablePercent: 10,
    blockPrefix: 21,
    podRangePrefix: 18,
    serviceRangePrefix: 20,
    gkeLocationPolicy: 'BALANCED',
    gkeAutoscalingProfile: 'BALANCED',
    priorityClasses: { 'loom-critical': 1000000, 'loom-broker': 500000 },
  },
  batch: {
    flavour: 'batch',
    spotAllowed: true,
    spotByDefault: true,
    scaleToZero: true,
    minNodesInProd: 0,
    scaleDown: true,
    scaleDownUnneededTime: '2m',
    scaleDownDelayAfterAdd: '1m',
    scaleDownOnlyEmpty: true,
    // Running jobs are never evicted voluntarily (a restarted training job starts over): nodes are
    // consolidated only once empty — fast, so that pools reach zero soon after a burst — a drifted
    // node (new AMI release) is replaced only once empty, and nodes never expire (expiry would
    // drain them whatever runs there). Batch nodes are short-lived anyway: they come and go with
    // the queue, picking up the pinned image as they are launched.
    karpenter: { consolidationPolicy: 'WhenEmpty', disruptionBudget: '20%', driftBudget: '0', expireAfter: 'Never' },
    karpenterGpu: { consolidationPolicy: 'WhenEmpty', disruptionBudget: '20%', driftBudget: '0', expireAfter: 'Never' },
    expander: 'least-waste',
    preferredZones: 1,
    singleZoneAllowed: true,
    gpuAllowed: true,
    maxUnavailablePercent: 50,
    blockPrefix: 18,
    podRangePrefix: 15,
    serviceRangePrefix: 20,
    gkeLocationPolicy: 'ANY',
    gkeAutoscalingProfile: 'OPTIMIZE_UTILIZATION',
    priorityClasses: { 'loom-critical': 1000000, 'loom-batch-high': 10000, 'loom-batch-low': 100 },
  },
};

/** The GPU taint every GPU pool carries, so only pods asking for GPUs land there. */
export const GPU_TAINT = {
  /** The key GPU pods' tolerations name (the GPU operator's DaemonSets tolerate it too). */
  key: 'nvidia.com/gpu',
  /** The taint's value. */
  value: 'present',
  /** Pods without the toleration are not scheduled on GPU nodes. */
  effect: 'NoSchedule',
} as const;
