/**
 * The object store of a platform on existing clusters (`cloud: kubernetes`): the S3-compatible
 * store the data centre already runs (MinIO, Ceph RGW, an appliance), named by the spec's
 * `objectStorage:`. Loom creates nothing for it — it cannot create buckets or identities there —
 * and grants nothing: access is whatever the keys in the `credentialsSecret` Secret may do, and
 * every component reading this store reads that Secret.
 */
import { Construct } from 'constructs';
import { PlatformValidationError, validProps } from '../../core/errors';
import { platformOf } from '../../core/stack';
import { objectStorageSchema, type ObjectStorageSpec, type ObjectStorageSpecInput } from '../../../schema/schema';
import { standInClusters, validatePart } from '../../../schema/props';
import type { IObjectStore, StoreAccess, WorkloadIdentity } from '../contract';
import { prefixProblem, storeUri } from './names';

/** Props of {@link ExistingObjectStore}. */
export interface ExistingObjectStoreProps {
  /** The store, as the spec's `objectStorage:` names it (validated like platform.yaml's). */
  readonly spec: ObjectStorageSpecInput;
  /**
   * The prefix inside the bucket the component owns, without leading or trailing slash, e.g.
   * `mlflow`; the bucket is shared by every component, so give each its own.
   * @default '' (the whole bucket)
   */
  readonly prefix?: string;
}

/** A prefix of the data centre's S3-compatible bucket; nothing is created. */
export class ExistingObjectStore extends Construct implements IObjectStore {
  readonly kind = 's3-compatible' as const;
  readonly bucketName: string;
  readonly prefix: string;
  readonly uri: string;
  readonly region: string;
  readonly endpoint: string;
  readonly credentialsSecret: string;
  /** The validated spec, defaults applied. */
  readonly spec: ObjectStorageSpec;

  constructor(scope: Construct, id: string, props: ExistingObjectStoreProps) {
    super(scope, id);
    const platform = platformOf(this);
    this.spec = validProps(
      this,
      validatePart({ ...platform.settings, objectStorage: props.spec, clusters: standInClusters() }, 'objectStorage', objectStorageSchema, props.spec),
    );
    const problem = prefixProblem(props.prefix ?? '');
    if (problem) throw new PlatformValidationError(problem, this);
    this.prefix = props.prefix ?? '';
    this.bucketName = this.spec.bucket;
    this.endpoint = this.spec.endpoint;
    this.region = this.spec.region;
    this.credentialsSecret = this.spec.credentialsSecret;
    this.uri = storeUri('s3', this.bucketName, this.prefix);
  }

  /** Records nothing: what a workload may do is what the keys in {@link credentialsSecret} may do. */
  grant(_identity: WorkloadIdentity, _access: StoreAccess): void {
    // Intentionally empty (see the module comment).
  }
}
