/**
 * Harbor's image store on AWS: an S3 bucket and the IAM user whose access key Harbor's registry
 * signs its S3 requests with.
 *
 * Why a key and not IRSA: Harbor's registry (registry-photon, through chart 1.19.1 / Harbor 2.15)
 * is distribution 2.8, whose S3 driver builds a fixed credential chain (static keys, environment,
 * shared file, EC2 instance role) without a web-identity provider, so an IRSA role is never used
 * (`s3aws: NoCredentialProviders`; goharbor/harbor#12888, #16490, #22690 — "we are using
 * distribution 2.8.3 … It doesn't support this feature"). The instance-role fallback is closed
 * too: the nodes' metadata hop limit is 1. Until Harbor ships distribution v3, the registry gets a
 * key of a user that may touch this bucket and its key only.
 *
 * Rotation: `terraform apply -replace=<the access key>` in the services stack, then apply the
 * registry cluster's add-ons stack; the Secret changes and the registry pods roll (their pod
 * annotation carries the key id). Pushes and pulls fail between the two applies.
 */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { awsAccount } from '../../aws/account';
import { keyPolicy } from '../../aws/kms';
import { privateBucket } from '../../aws/s3';
import { registryNames } from '../../../plan';
import { componentTags } from '../contract';
import { eksClusterOf } from '../clusters';
import { HARBOR_IMAGE_STORE_SECRET, type CloudImageStoreProps, type HarborImageStore, type S3Credentials } from './image-store';

/** Harbor's image store on S3, with an IAM user (and its access key) for its registry. */
export class S3ImageStore extends Construct implements HarborImageStore {
  /** The `aws_s3_bucket` holding the image layers. */
  readonly bucket: S3Bucket;
  /** The KMS key the bucket is encrypted with; only Harbor's user may use it. */
  readonly key: KmsKey;
  /** The identity Harbor's registry signs S3 requests as (no IRSA: see the module comment). */
  readonly user: IamUser;
  /** The user's access key, which Harbor's registry signs with. */
  readonly accessKey: IamAccessKey;
  readonly bucketName: string;
  readonly imageChartStorage: Record<string, unknown>;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>> = {};
  readonly credentials: S3Credentials;

  constructor(scope: Construct, id: string, props: CloudImageStoreProps) {
    super(scope, id);
    const plan = props.platform;
    eksClusterOf(props.cluster, "Harbor's S3 image store");
    const names = registryNames(plan.name);
    const tags = componentTags('registry');
    this.user = new IamUser(this, 'User', {
      name: names.harborIdentity,
      path: '/loom/',
      // Tag values take no parentheses or commas.
      tags: { ...tags, 'loom.dev/purpose': `Harbor registry on cluster ${props.cluster.plan.name} - image layers - distribution 2.8 cannot use IRSA` },
    });
    // The account administers the key through IAM; only Harbor's user encrypts and decrypts.
    this.key = new KmsKey(this, 'Key', {
      description: `Loom: Harbor image layers of platform ${plan.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(keyPolicy({ administrators: [awsAccount(this).rootArn], users: [this.user.arn] })),
      tags,
    });
    this.bucket = new S3Bucket(this, 'Bucket', { bucketPrefix: names.harborBucketPrefix, tags });
    this.bucketName = this.bucket.bucket;
    // Harbor's garbage collection deletes blobs; versioning keeps them recoverable for 30 days.
    privateBucket(this, this.bucket, { key: this.key, noncurrentVersionDays: 30 });
    new IamUserPolicy(this, 'UserPolicy', {
      user: this.user.name,
      name: 'image-store',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'], Resource: this.bucket.arn },
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
            Resource: `${this.bucket.arn}/*`,
          },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: this.key.arn },
        ],
      }),
    });
    this.accessKey = new IamAccessKey(this, 'AccessKey', { user: this.user.name });
    this.credentials = { accessKeyId: this.accessKey.id, secretAccessKey: this.accessKey.secret };
    this.imageChartStorage = {
      type: 's3',
      s3: { region: plan.region, bucket: this.bucket.bucket, secure: true, v4auth: true, existingSecret: HARBOR_IMAGE_STORE_SECRET },
    };
  }
}
