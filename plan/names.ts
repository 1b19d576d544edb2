/**
 * Every name Loom derives from the spec, in one place, so that validation can check derived
 * names against the clouds' length limits before anything is synthesized.
 */
import { createHash } from 'node:crypto';

/**
 * The namespaces Loom creates on every cluster, by role (see `platformNamespaces` in
 * stacks/addons-stack.ts for their Pod Security levels). Named here because the cluster stack
 * needs them too: IAM roles for service accounts trust `system:serviceaccount:<namespace>:<name>`.
 */
export const PLATFORM_NAMESPACES = {
  system: 'loom-system',
  nodeAgents: 'loom-node-agents',
  workloads: 'loom-workloads',
} as const;

/**
 * The Kubernetes service accounts of the add-ons that call a cloud API, so that the cluster stack
 * (which creates their IAM roles) and the add-ons stack (which installs them) agree on who may
 * assume each role.
 */
export const ADDON_SERVICE_ACCOUNTS = {
  clusterAutoscaler: { namespace: PLATFORM_NAMESPACES.system, name: 'cluster-autoscaler' },
  loadBalancerController: { namespace: PLATFORM_NAMESPACES.system, name: 'aws-load-balancer-controller' },
  karpenter: { namespace: PLATFORM_NAMESPACES.system, name: 'karpenter' },
} as const;

/** Stack names (Terraform workspaces / state keys). */
export const stackNames = {
  network: (platform: string) => `${platform}-network`,
  cluster: (platform: string, cluster: string) => `${platform}-cluster-${cluster}`,
  services: (platform: string) => `${platform}-services`,
  addons: (platform: string, cluster: string) => `${platform}-addons-${cluster}`,
};

/** The cloud-side name of a cluster: `<platform>-<cluster>`. */
export const clusterResourceName = (platform: string, cluster: string) => `${platform}-${cluster}`;

/** Names derived for AWS resources of a cluster, with the limits they must fit. */
export function awsClusterNames(platform: string, cluster: string) {
  const base = clusterResourceName(platform, cluster);
  return {
    cluster: base, // EKS: 1–100
    clusterRole: `${base}-cluster`, // IAM role: ≤ 64
    nodeRole: `${base}-nodes`, // IAM role: ≤ 64
    kmsAlias: `alias/${base}-secrets`,
    logGroup: `/aws/eks/${base}/cluster`,
    /** IAM role of the nodes Karpenter launches (`autoscaler: karpenter`): ≤ 64. */
    karpenterNodeRole: `${base}-karpenter-node`,
    /** SQS queue Karpenter reads interruption events from: ≤ 80. */
    karpenterInterruptionQueue: `${base}-karpenter`,
    /** EventBridge rules feeding that queue (≤ 64 each: `<base>` is at most 51 characters). */
    karpenterEventRules: {
      scheduledChange: `${base}-health`,
      spotInterruption: `${base}-spot`,
      rebalance: `${base}-rebalance`,
      stateChange: `${base}-state-change`,
      capacityReservationInterruption: `${base}-reservation`,
    },
  };
}

/**
 * Names derived for one node pool on AWS. With `zone`, the node group of a pool split per zone
 * (stateful streaming pools): the pool's name plus the zone's letter, `<platform>-<cluster>-<pool>-a`.
 */
export function awsNodePoolNames(platform: string, cluster: string, pool: string, zone?: string) {
  const base = `${clusterResourceName(platform, cluster)}-${pool}`;
  return { nodeGroup: zone ? `${base}-${zone.slice(-1)}` : base /* ≤ 63 */, launchTemplate: base /* ≤ 128 */ };
}

/** Limits checked by validation: derived name → maximum length. */
export const AWS_NAME_LIMITS = { cluster: 100, clusterRole: 64, nodeRole: 64, nodeGroup: 63, karpenterNodeRole: 64 } as const;

/**
 * `name` if it fits `max` characters, else its head and a 6-character hash of the whole name
 * (`acme-analytics-trainin-3f9a1c`): deterministic, so the same spec always derives the same name,
 * and distinct for names that share a head.
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 6);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * Names derived for Google Cloud resources of a cluster, shortened with {@link fitName} where
 * Google's limits are tighter than AWS's, so that the same platform and cluster names work on
 * both clouds.
 */
export function gcpClusterNames(platform: string, cluster: string) {
  const base = clusterResourceName(platform, cluster);
  return {
    cluster: fitName(base, GCP_NAME_LIMITS.cluster),
    subnetwork: base, // ≤ 63: a 20-character platform and a 30-character cluster make 51
    nodeServiceAccount: fitName(`${base}-nodes`, GCP_NAME_LIMITS.nodeServiceAccountMax),
    keyRing: `${base}-secrets`,
    cryptoKey: `${base}-secrets`,
  };
}

export const GCP_NAME_LIMITS = { cluster: 40, nodeServiceAccountMin: 6, nodeServiceAccountMax: 30, nodePool: 40 } as const;

/** Names derived for the platform's Google Cloud network (all ≤ 63 characters: name ≤ 20). */
export function gcpNetworkNames(platform: string) {
  return {
    network: `${platform}-vpc`,
    router: `${platform}-router`,
    nat: `${platform}-nat`,
    allowInternal: `${platform}-allow-internal`,
    allowHealthChecks: `${platform}-allow-health-checks`,
    /** Network tag on every GKE node of the platform; firewall rules target it. */
    nodeTag: `${platform}-gke-node`,
  };
}

/** The Name tag of a cluster's node subnet in a zone (AWS); load balancers name subnets by it. */
export const awsNodeSubnetName = (clusterResourceName: string, zone: string) => `${clusterResourceName}-${zone}`;
