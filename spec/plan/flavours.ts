/**
 * Cluster flavours as typed profiles: what differs between a microservice, a streaming and a
 * batch cluster in provisioning, network design and autoscaling. Constructs read these facts;
 * they never switch on the flavour name themselves.
 */
import type { Flavour } from '../schema';

export interface FlavourProfile {
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
  /** How Karpenter disrupts the nodes of the flavour's NodePools (`autoscaler: karpenter`). */
  readonly karpenter: KarpenterDisruption;
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
   * How long a node lives before Karpenter replaces it (picks up new AMIs). Expiry ignores
   * disruption budgets, so pools that must never be disrupted say `Never`.
   */
  readonly expireAfter: string;
}

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
    karpenter: { consolidationPolicy: 'WhenEmptyOrUnderutilized', disruptionBudget: '10%', expireAfter: '720h' },
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
    // Brokers hold partitions: Karpenter removes only empty nodes, never voluntarily disrupts a
    // broker's node (budget 0), and never expires one; replacing brokers is the operator's call.
    karpenter: { consolidationPolicy: 'WhenEmpty', disruptionBudget: '0', expireAfter: 'Never' },
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
    // Scale to zero fast once a burst ends. Jobs that must not be moved while running carry the
    // karpenter.sh/do-not-disrupt annotation (Kubeflow, Ray and JobSet can set it on their pods).
    karpenter: { consolidationPolicy: 'WhenEmptyOrUnderutilized', disruptionBudget: '20%', expireAfter: '720h' },
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
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' } as const;
