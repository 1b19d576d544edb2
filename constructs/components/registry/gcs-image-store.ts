/** Harbor's image store on Google Cloud: a GCS bucket and the service account Harbor acts as. */
import { Construct } from 'constructs';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { PlatformValidationError } from '../../core/errors';
import { serviceAccountMember } from '../../gcp/gcp';
import { registryNames } from '../../../plan';
import { componentLabels } from '../contract';
import { gkeClusterOf } from '../clusters';
import { HARBOR_REGISTRY_SERVICE_ACCOUNT, type CloudImageStoreProps, type HarborImageStore } from './image-store';
import { ABORT_INCOMPLETE_UPLOADS_DAYS } from '../../stores/object-store/gcs-object-store';

/** Harbor's image store on GCS, with a service account bound through Workload Identity. */
export class GcsImageStore extends Construct implements HarborImageStore {
  /** The `google_storage_bucket` holding the image layers. */
  readonly bucket: StorageBucket;
  /** The Google service account Harbor's registry acts as (Workload Identity). */
  readonly serviceAccount: ServiceAccount;
  readonly bucketName: string;
  readonly imageChartStorage: Record<string, unknown>;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CloudImageStoreProps) {
    super(scope, id);
    const plan = props.platform;
    const gke = gkeClusterOf(props.cluster, "Harbor's GCS image store");
    if (!plan.gcpProject || !plan.region) throw new PlatformValidationError("Harbor's GCS image store needs gcpProject and region in the plan", this);
    const project = plan.gcpProject;
    const names = registryNames(plan.name);
    const labels = { ...plan.labels, ...componentLabels('registry') };
    this.bucket = new StorageBucket(this, 'Bucket', {
      name: names.harborGcsBucket(project),
      project,
      location: plan.region,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      // Harbor's garbage collection deletes blobs; versioning keeps them recoverable for a while.
      lifecycleRule: [
        { action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: 30, withState: 'ARCHIVED' } },
        { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: ABORT_INCOMPLETE_UPLOADS_DAYS } },
      ],
      forceDestroy: false,
      labels,
    });
    this.bucketName = this.bucket.name;
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      accountId: names.harborIdentity,
      project,
      displayName: `Harbor registry of ${plan.name}`,
      description: `Loom: Harbor's registry on cluster ${props.cluster.plan.name} reads and writes image layers`,
    });
    const member = serviceAccountMember(this.serviceAccount.email);
    new StorageBucketIamMember(this, 'ObjectAdmin', { bucket: this.bucket.name, role: 'roles/storage.objectAdmin', member });
    // The GCS driver also reads the bucket's metadata.
    new StorageBucketIamMember(this, 'BucketReader', { bucket: this.bucket.name, role: 'roles/storage.legacyBucketReader', member });
    new ServiceAccountIamMember(this, 'WorkloadIdentity', {
      serviceAccountId: this.serviceAccount.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${gke.workloadPool}[${props.namespace}/${HARBOR_REGISTRY_SERVICE_ACCOUNT}]`,
    });
    this.imageChartStorage = { type: 'gcs', gcs: { bucket: this.bucket.name, useWorkloadIdentity: true } };
    this.serviceAccountAnnotations = { 'iam.gke.io/gcp-service-account': this.serviceAccount.email };
  }
}
