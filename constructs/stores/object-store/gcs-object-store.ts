/**
 * An object store on Google Cloud: a GCS bucket with uniform bucket-level access (IAM only, no
 * object ACLs), public access prevention enforced, versioning, and a lifecycle that deletes old
 * versions. Encryption at rest is Google-managed.
 *
 * Grants are bucket-wide: GCS IAM scopes a role to a prefix only through an IAM condition on
 * `resource.name`, which object listing (checked against the bucket, not an object) does not
 * satisfy, so a prefix-conditioned reader could not list its own prefix. Each purpose has a
 * bucket of its own, so bucket-wide is the component's bucket.
 */
import { Construct } from 'constructs';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { PlatformValidationError } from '../../core/errors';
import { platformOf } from '../../core/stack';
import { serviceAccountMember } from '../../gcp/gcp';
import type { IObjectStore, StoreAccess, WorkloadIdentity } from '../contract';
import type { CloudObjectStoreProps } from './props';
import { NONCURRENT_VERSION_DAYS, objectStoreNames, prefixProblem, purposeProblem, storeUri } from './names';

/** Days after which the parts of an unfinished multipart upload are deleted. */
export const ABORT_INCOMPLETE_UPLOADS_DAYS = 7;

/** Props of {@link GcsObjectStore}. */
export interface GcsObjectStoreProps extends CloudObjectStoreProps {}

/**
 * The role each access level gets on the bucket: `objectViewer` (get and list objects) or
 * `objectUser` (also create, overwrite, delete objects and multipart uploads; no IAM or bucket
 * settings).
 */
export const GCS_STORE_ROLES: Readonly<Record<StoreAccess, string>> = {
  read: 'roles/storage.objectViewer',
  write: 'roles/storage.objectUser',
};

/** A GCS bucket (uniform access, public access prevented, versioned) a component keeps files in. */
export class GcsObjectStore extends Construct implements IObjectStore {
  readonly kind = 'gcs' as const;
  /** The `google_storage_bucket`. */
  readonly bucket: StorageBucket;
  readonly bucketName: string;
  readonly prefix: string;
  readonly uri: string;
  readonly region: string;
  /** The bucket's `purpose`. */
  readonly purpose: string;
  private readonly grants = new Set<string>();

  constructor(scope: Construct, id: string, props: GcsObjectStoreProps) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'gcp' || !platform.gcpProject || !platform.region) {
      throw new PlatformValidationError(`a GCS object store needs a Google Cloud platform with gcpProject and region (this one is cloud: ${platform.cloud}); use S3ObjectStore on aws, ExistingObjectStore on kubernetes`, this);
    }
    const problem = purposeProblem(props.purpose) ?? prefixProblem(props.prefix ?? '');
    if (problem) throw new PlatformValidationError(problem, this);
    const days = props.noncurrentVersionDays ?? NONCURRENT_VERSION_DAYS[platform.environment];
    if (!Number.isInteger(days) || days < 1) throw new PlatformValidationError(`noncurrentVersionDays must be a whole number of days >= 1, got ${days}`, this);

    this.purpose = props.purpose;
    this.prefix = props.prefix ?? '';
    this.region = platform.region;
    this.bucket = new StorageBucket(this, 'Bucket', {
      name: objectStoreNames(platform.name, props.purpose).gcsBucket(platform.gcpProject),
      project: platform.gcpProject,
      location: platform.region,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      lifecycleRule: [
        { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: days, withState: 'ARCHIVED' } },
        // Parts of uploads never completed cost storage and show nowhere (LOOM-COST-003).
        { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: ABORT_INCOMPLETE_UPLOADS_DAYS } },
      ],
      forceDestroy: false,
      labels: { ...platform.labels, 'loom-purpose': props.purpose },
    });
    this.bucketName = this.bucket.name;
    this.uri = storeUri('gs', this.bucketName, this.prefix);
  }

  /**
   * Grants `identity` (a Google service account) `roles/storage.objectViewer` (`read`) or
   * `roles/storage.objectUser` (`write`) on the bucket — bucket-wide, see the module comment.
   * Granting the same access to the same account twice adds nothing.
   */
  grant(identity: WorkloadIdentity, access: StoreAccess): void {
    if (identity.kind !== 'gcp-service-account') {
      throw new PlatformValidationError(`a GCS object store grants access to Google service accounts only, got a ${identity.kind}`, this);
    }
    const key = `${identity.email}|${access}`;
    if (this.grants.has(key)) return;
    this.grants.add(key);
    new StorageBucketIamMember(this, `Grant${this.grants.size}`, { bucket: this.bucket.name, role: GCS_STORE_ROLES[access], member: serviceAccountMember(identity.email) });
  }
}
