/** Harbor's image store on AWS: an S3 bucket and the IRSA role Harbor's registry assumes. */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { serviceAccountTrustPolicy } from '../../aws/iam';
import { registryNames } from '../../../spec/plan';
import { componentTags } from '../contract';
import { eksClusterOf } from '../clusters';
import { HARBOR_REGISTRY_SERVICE_ACCOUNT, type CloudImageStoreProps, type HarborImageStore } from './image-store';

/** Harbor's image store on S3, with an IRSA role for its registry. */
export class S3ImageStore extends Construct implements HarborImageStore {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly role: IamRole;
  readonly bucketName: string;
  readonly imageChartStorage: Record<string, unknown>;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CloudImageStoreProps) {
    super(scope, id);
    const { plan } = props;
    const eks = eksClusterOf(props.cluster, "Harbor's S3 image store");
    const names = registryNames(plan.name);
    const tags = componentTags('registry');
    this.key = new KmsKey(this, 'Key', {
      description: `Loom: Harbor image layers of platform ${plan.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    });
    this.bucket = new S3Bucket(this, 'Bucket', { bucketPrefix: names.harborBucketPrefix, tags });
    this.bucketName = this.bucket.bucket;
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'Versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      rule: [
        // Harbor's garbage collection deletes blobs; versioning keeps them recoverable for a while.
        { id: 'expire-noncurrent', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: 30 }] },
        { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
      ],
    });
    new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
    this.role = new IamRole(this, 'Role', {
      name: names.harborIdentity,
      description: `Loom: Harbor's registry on cluster ${props.cluster.plan.name} reads and writes image layers`,
      assumeRolePolicy: serviceAccountTrustPolicy(eks.oidcProviderArn, eks.oidcIssuerHost, props.namespace, HARBOR_REGISTRY_SERVICE_ACCOUNT),
      tags,
    });
    new IamRolePolicy(this, 'RolePolicy', {
      role: this.role.id,
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
    this.imageChartStorage = {
      type: 's3',
      s3: { region: plan.region, bucket: this.bucket.bucket, secure: true, v4auth: true },
    };
    this.serviceAccountAnnotations = { 'eks.amazonaws.com/role-arn': this.role.arn };
  }
}
