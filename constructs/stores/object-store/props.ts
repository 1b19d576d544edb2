/** Props shared by the object stores Loom creates (S3, GCS). */

/** Props of {@link S3ObjectStore} and {@link GcsObjectStore}. */
export interface CloudObjectStoreProps {
  /**
   * A short lowercase DNS label naming the bucket's use, e.g. `mlflow-artifacts` or
   * `feast-offline` (at most 30 characters): part of the bucket's name, so one per bucket of the
   * platform.
   */
  readonly purpose: string;
  /**
   * The prefix inside the bucket the component owns, without leading or trailing slash, e.g.
   * `artifacts`; grants are scoped to it where the cloud allows (S3).
   * @default '' (the whole bucket)
   */
  readonly prefix?: string;
  /**
   * Days an overwritten or deleted object version is kept before it expires.
   * @default by environment: dev 7, staging 30, prod 90 (`NONCURRENT_VERSION_DAYS`)
   */
  readonly noncurrentVersionDays?: number;
}
