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
  /** The platform's controllers and components (autoscaler, cert-manager, Kueue, Harbor, …). */
  system: 'loom-system',
  /** DaemonSets that need host access (the GPU operator, node exporter): Pod Security `privileged`. */
  nodeAgents: 'loom-node-agents',
  /** The teams' jobs, notebooks and services. */
  workloads: 'loom-workloads',
} as const;

/**
 * The Kubernetes service accounts of the add-ons that call a cloud API, so that the cluster stack
 * (which creates their IAM roles) and the add-ons stack (which installs them) agree on who may
 * assume each role.
 */
export const ADDON_SERVICE_ACCOUNTS = {
  /** cluster-autoscaler's, which scales the node groups. */
  clusterAutoscaler: {
    /** Its namespace. */
    namespace: PLATFORM_NAMESPACES.system,
    /** Its name. */
    name: 'cluster-autoscaler',
  },
  /** The AWS Load Balancer Controller's, which manages load balancers. */
  loadBalancerController: {
    /** Its namespace. */
    namespace: PLATFORM_NAMESPACES.system,
    /** Its name. */
    name: 'aws-load-balancer-controller',
  },
  /** Karpenter's, which launches and removes nodes. */
  karpenter: {
    /** Its namespace. */
    namespace: PLATFORM_NAMESPACES.system,
    /** Its name. */
    name: 'karpenter',
  },
} as const;

/** Stack names (Terraform workspaces / state keys). */
export const stackNames = {
  /** The network stack: VPC or VPC network, subnets, NAT. */
  network: (platform: string) => `${platform}-network`,
  /** One cluster's stack: the cluster, its node pools and their identities. */
  cluster: (platform: string, cluster: string) => `${platform}-cluster-${cluster}`,
  /** The services stack: cloud-side resources of components (only when some component has any). */
  services: (platform: string) => `${platform}-services`,
  /** One cluster's add-ons stack: what Loom installs through the cluster's API. */
  addons: (platform: string, cluster: string) => `${platform}-addons-${cluster}`,
};

/** The cloud-side name of a cluster: `<platform>-<cluster>`. */
export const clusterResourceName = (platform: string, cluster: string) => `${platform}-${cluster}`;

/** Names derived for AWS resources of a cluster, with the limits they must fit. */
export function awsClusterNames(platform: string, cluster: string) {
  const base = clusterResourceName(platform, cluster);
  return {
    /** The EKS cluster. */
    cluster: base, // EKS: 1–100
    /** The control plane's IAM role. */
    clusterRole: `${base}-cluster`, // IAM role: ≤ 64
    /** The managed node groups' IAM role. */
    nodeRole: `${base}-nodes`, // IAM role: ≤ 64
    /** Alias of the KMS key that encrypts the cluster's secrets. */
    kmsAlias: `alias/${base}-secrets`,
    /** The control-plane log group (EKS fixes this name). */
    logGroup: `/aws/eks/${base}/cluster`,
    /** IAM role of the nodes Karpenter launches (`autoscaler: karpenter`): ≤ 64. */
    karpenterNodeRole: `${base}-karpenter-node`,
    /** SQS queue Karpenter reads interruption events from: ≤ 80. */
    karpenterInterruptionQueue: `${base}-karpenter`,
    /** EventBridge rules feeding that queue (≤ 64 each: `<base>` is at most 51 characters). */
    karpenterEventRules: {
      /** AWS Health scheduled changes (instance retirement, maintenance). */
      scheduledChange: `${base}-health`,
      /** EC2 spot interruption warnings. */
      spotInterruption: `${base}-spot`,
      /** EC2 instance rebalance recommendations. */
      rebalance: `${base}-rebalance`,
      /** EC2 instance state changes. */
      stateChange: `${base}-state-change`,
      /** Capacity reservation interruptions. */
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
  return {
    /** The EKS managed node group. */
    nodeGroup: zone ? `${base}-${zone.slice(-1)}` : base /* ≤ 63 */,
    /** Its launch template. */
    launchTemplate: base /* ≤ 128 */,
  };
}

/** Limits checked by validation: derived name → maximum length. */
export const AWS_NAME_LIMITS = {
  /** EKS cluster names. */
  cluster: 100,
  /** IAM role names. */
  clusterRole: 64,
  /** IAM role names. */
  nodeRole: 64,
  /** EKS node group names. */
  nodeGroup: 63,
  /** IAM role names. */
  karpenterNodeRole: 64,
} as const;

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
    /** The GKE cluster (≤ 40, shortened if need be). */
    cluster: fitName(base, GCP_NAME_LIMITS.cluster),
    /** The cluster's subnetwork. */
    subnetwork: base, // ≤ 63: a 20-character platform and a 30-character cluster make 51
    /** The nodes' service account id (6–30, shortened if need be). */
    nodeServiceAccount: fitName(`${base}-nodes`, GCP_NAME_LIMITS.nodeServiceAccountMax),
    /** The KMS key ring of the cluster's secrets key. */
    keyRing: `${base}-secrets`,
    /** The KMS key that encrypts the cluster's secrets. */
    cryptoKey: `${base}-secrets`,
  };
}

/** Google Cloud's name length limits that Loom's derived names must fit: name → characters. */
export const GCP_NAME_LIMITS = {
  /** GKE cluster names (at most). */
  cluster: 40,
  /** Service account ids (at least). */
  nodeServiceAccountMin: 6,
  /** Service account ids (at most). */
  nodeServiceAccountMax: 30,
  /** GKE node pool names (at most). */
  nodePool: 40,
  /** Compute Engine resource names (addresses, …) and Cloud DNS zone names (at most). */
  resource: 63,
} as const;

/** Names derived for the platform's Google Cloud network (all ≤ 63 characters: name ≤ 20). */
export function gcpNetworkNames(platform: string) {
  return {
    /** The VPC network. */
    network: `${platform}-vpc`,
    /** The Cloud Router the NAT runs on. */
    router: `${platform}-router`,
    /** The Cloud NAT. */
    nat: `${platform}-nat`,
    /** The firewall rule allowing traffic inside the network. */
    allowInternal: `${platform}-allow-internal`,
    /** The firewall rule allowing Google's load balancer health checks. */
    allowHealthChecks: `${platform}-allow-health-checks`,
    /** Network tag on every GKE node of the platform; firewall rules target it. */
    nodeTag: `${platform}-gke-node`,
  };
}

/** The Name tag of a cluster's node subnet in a zone (AWS); load balancers name subnets by it. */
export const awsNodeSubnetName = (clusterResourceName: string, zone: string) => `${clusterResourceName}-${zone}`;
