/**
 * How every bucket Loom creates on AWS is kept: owner-enforced (no ACLs), all public access
 * blocked, versioned, encrypted by default with the bucket's own KMS key (with S3 bucket keys),
 * old versions expired and abandoned multipart uploads aborted, and a policy refusing any request
 * not made over TLS. Harbor's image store and the platform's object stores share it.
 */
import type { Construct } from 'constructs';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import type { PolicyDocument } from './addon-policies';

/** Days after which an abandoned multipart upload is aborted (its parts are billed until then). */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/** How {@link privateBucket} keeps a bucket. */
export interface PrivateBucketProps {
  /** The bucket's default encryption key. */
  readonly key: KmsKey;
  /** Days an overwritten or deleted object version is kept before it expires. */
  readonly noncurrentVersionDays: number;
}

/** Applies Loom's bucket settings (see the module comment) to `bucket`, as children of `scope`. */
export function privateBucket(scope: Construct, bucket: S3Bucket, props: PrivateBucketProps): void {
  new S3BucketOwnershipControls(scope, 'Ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  const versioning = new S3BucketVersioningA(scope, 'Versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'Encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.key.arn }, bucketKeyEnabled: true }],
  });
  new S3BucketLifecycleConfiguration(scope, 'Lifecycle', {
    bucket: bucket.id,
    rule: [
      { id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }] },
      {
        id: 'abort-incomplete-multipart-uploads',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
      },
    ],
    // A lifecycle with noncurrent-version rules is accepted only once versioning is on.
    dependsOn: [versioning],
  });
  new S3BucketPolicy(scope, 'Policy', {
    bucket: bucket.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    } satisfies PolicyDocument),
  });
}
