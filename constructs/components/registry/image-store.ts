/**
 * Where Harbor (registry, build) keeps image layers, per cloud — the cloud-side half of building
 * the registry, in the services stack:
 *
 * - AWS: an S3 bucket (versioned, KMS-encrypted with its own key, public access blocked,
 *   TLS-only, incomplete uploads and old versions expired) and an IAM user scoped to that bucket
 *   and key, whose access key reaches Harbor as a Kubernetes Secret (Harbor's registry cannot use
 *   IRSA; see `s3-image-store.ts`).
 * - Google Cloud: a GCS bucket (uniform access, public access prevented, versioned) and a service
 *   account Harbor's registry service account acts as through Workload Identity.
 * - Existing clusters: nothing in the cloud; a persistent volume in the cluster.
 *
 * Each cloud's store is in its own module (`s3-image-store.ts`, `gcs-image-store.ts`).
 */
import type { IKubernetesCluster } from '../../core/contracts';
import type { PlatformContext } from '../../../plan';

/** The Kubernetes service account Harbor's registry runs as, where it needs a cloud identity. */
export const HARBOR_REGISTRY_SERVICE_ACCOUNT = 'harbor-registry';

/**
 * The Secret (in Harbor's namespace) holding the S3 access key, under the names the chart's
 * `persistence.imageChartStorage.s3.existingSecret` expects.
 */
export const HARBOR_IMAGE_STORE_SECRET = 'harbor-image-store';

/** An access key (sensitive: a cross-stack output of the services stack). */
export interface S3Credentials {
  /** The access key's id. @attribute */
  readonly accessKeyId: string;
  /** The access key's secret. @attribute */
  readonly secretAccessKey: string;
}

/** How Harbor reaches its image store: chart values and the service account's annotations. */
export interface HarborImageStore {
  /** `persistence.imageChartStorage` of the Harbor chart. */
  readonly imageChartStorage: Record<string, unknown>;
  /** Annotations binding the registry's service account to a cloud identity. */
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** The bucket name, for outputs (cloud stores only). */
  readonly bucketName: string;
  /**
   * Static credentials for the store, where workload identity does not work (S3): they become the
   * {@link HARBOR_IMAGE_STORE_SECRET} Secret.
   */
  readonly credentials?: S3Credentials;
}

/** Props of a cloud image store ({@link S3ImageStore}, {@link GcsImageStore}). */
export interface CloudImageStoreProps {
  /** The platform's settings (name, region or project, labels). */
  readonly platform: PlatformContext;
  /** The cluster Harbor runs on: its identity may use the store. */
  readonly cluster: IKubernetesCluster;
  /** Harbor's namespace (a plain name: a reference would make the services stack depend on add-ons). */
  readonly namespace: string;
}
