/**
 * The Kubernetes minor versions Loom supports, per cloud. One table: the schema, the error
 * messages and the README read it from here.
 */
export const KUBERNETES_VERSIONS = ['1.31', '1.32', '1.33', '1.34'] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** The default minor version for new clusters. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.33';

/** Versions each cloud offers (existing clusters may run any supported version). */
export const SUPPORTED_BY_CLOUD: Readonly<Record<'aws' | 'gcp' | 'kubernetes', readonly KubernetesVersion[]>> = {
  aws: ['1.31', '1.32', '1.33', '1.34'],
  gcp: ['1.31', '1.32', '1.33', '1.34'],
  kubernetes: ['1.31', '1.32', '1.33', '1.34'],
};
