/**
 * Node and controller images Loom pins per Kubernetes minor: versioned facts, kept beside the
 * chart pins (charts.ts) and the version calendar (kubernetes-versions.ts) they must agree with.
 */

/**
 * The cluster-autoscaler image per Kubernetes minor: upstream supports a cluster only with the
 * autoscaler of the same minor, which the chart's default image (its own appVersion, 1.35.0 in
 * chart 9.59.0) may not be. One for every minor EKS still creates (catalog/kubernetes-versions.ts;
 * a test checks). 1.31–1.34: patch releases as kops pins them; 1.35.2 and 1.36.1: the newest
 * patches of kubernetes/autoscaler releases cluster-autoscaler-1.35.x / 1.36.x seen published on
 * registry.k8s.io/autoscaling/cluster-autoscaler (1.36.1's release notes list the image).
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
  '1.31': 'v1.31.2',
  '1.32': 'v1.32.7',
  '1.33': 'v1.33.5',
  '1.34': 'v1.34.4',
  '1.35': 'v1.35.2',
  '1.36': 'v1.36.1',
};

/**
 * The EKS-optimised AL2023 AMI release every pool runs, pinned: Karpenter resolves the alias
 * `al2023@<release>` per instance type and cluster version (the NVIDIA variant for GPU instances)
 * from the release's SSM parameters. With `@latest` every weekly AMI release would drift every
 * node, replacing running nodes on AWS's schedule; pinned, nodes change image only when this
 * release is bumped (a Loom change, reviewed and promoted like any other), and then within the
 * pools' disruption budgets. `kubernetesVersions` are the minors the release was built for
 * (awslabs/amazon-eks-ami release v20260714: AL2023 x86_64 standard and NVIDIA AMIs for 1.30–1.36).
 */
export const KARPENTER_AMI_RELEASE = {
  version: 'v20260714',
  kubernetesVersions: ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'],
} as const;

/** The EC2NodeClass AMI alias of {@link KARPENTER_AMI_RELEASE}. */
export const KARPENTER_AMI_ALIAS = `al2023@${KARPENTER_AMI_RELEASE.version}`;

