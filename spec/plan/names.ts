/**
 * Every name Loom derives from the spec, in one place, so that validation can check derived
 * names against the clouds' length limits before anything is synthesized.
 */

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
  };
}

/** Names derived for one node pool on AWS. */
export function awsNodePoolNames(platform: string, cluster: string, pool: string) {
  const base = `${clusterResourceName(platform, cluster)}-${pool}`;
  return { nodeGroup: base /* ≤ 63 */, launchTemplate: base /* ≤ 128 */ };
}

/** Limits checked by validation: derived name → maximum length. */
export const AWS_NAME_LIMITS = { cluster: 100, clusterRole: 64, nodeRole: 64, nodeGroup: 63 } as const;

/** Names derived for Google Cloud resources of a cluster. */
export function gcpClusterNames(platform: string, cluster: string) {
  const base = clusterResourceName(platform, cluster);
  return {
    cluster: base, // GKE: ≤ 40
    subnetwork: base,
    nodeServiceAccount: `${base}-nodes`, // service account id: 6–30
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
