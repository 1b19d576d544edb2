/**
 * Where Harbor (registry, build) keeps image layers, per cloud — the cloud-side half of building
 * the registry, in the services stack:
 *
 * - AWS: an S3 bucket (versioned, KMS-encrypted with its own key, public access blocked,
 *   TLS-only, incomplete uploads and old versions expired) and an IAM role that only Harbor's
 *   registry service account on the registry's cluster may assume (IRSA).
 * - Google Cloud: a GCS bucket (uniform access, public access prevented, versioned) and a service
 *   account Harbor's registry service account acts as through Workload Identity.
 * - Existing clusters: nothing in the cloud; a persistent volume in the cluster.
 *
 * Each cloud's store is in its own module (`s3-image-store.ts`, `gcs-image-store.ts`).
 */
import type { IKubernetesCluster } from '../../core/contracts';
import type { PlatformPlan } from '../../../spec/plan';

/** The Kubernetes service account Harbor's registry runs as, where it needs a cloud identity. */
export const HARBOR_REGISTRY_SERVICE_ACCOUNT = 'harbor-registry';

/** How Harbor reaches its image store: chart values and the service account's annotations. */
export interface HarborImageStore {
  /** `persistence.imageChartStorage` of the Harbor chart. */
  readonly imageChartStorage: Record<string, unknown>;
  /** Annotations binding the registry's service account to a cloud identity. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** The bucket name, for outputs (cloud stores only). */
  readonly bucketName: string;
}

export interface CloudImageStoreProps {
  readonly plan: PlatformPlan;
  /** The cluster Harbor runs on: its identity may use the store. */
  readonly cluster: IKubernetesCluster;
  /** Harbor's namespace (a plain name: a reference would make the services stack depend on add-ons). */
  readonly namespace: string;
}
