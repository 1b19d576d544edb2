/**
 * An object store on AWS: an S3 bucket encrypted with its own customer-managed KMS key (rotated
 * yearly, S3 bucket keys on), versioned, with every kind of public access blocked, ACLs disabled
 * (BucketOwnerEnforced), a bucket policy that refuses requests not made over TLS, and a lifecycle
 * that expires old versions and aborts abandoned multipart uploads.
 *
 * Access is granted to workload identities (IRSA or EKS Pod Identity roles) with {@link
 * S3ObjectStore.grant}: an inline policy on the role, scoped to the store's prefix. The key policy
 * lets the account's IAM policies use the key only through S3 in the platform's region
 * (`kms:ViaService`), so that the grant's inline policy is what decides who may read and write —
 * nobody can decrypt the objects with the key outside S3.
 */
import { Construct } from 'constructs';
import { privateBucket } from '../../aws/s3';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { PlatformValidationError } from '../../core/errors';
import { platformOf } from '../../core/stack';
import { awsAccount } from '../../aws/account';
import { keyPolicy, KEY_USER_ACTIONS } from '../../aws/kms';
import type { PolicyDocument, PolicyStatement } from '../../aws/addon-policies';
import type { IObjectStore, StoreAccess, WorkloadIdentity } from '../contract';
import type { CloudObjectStoreProps } from './props';
import { NONCURRENT_VERSION_DAYS, objectStoreNames, prefixProblem, purposeProblem, storeUri } from './names';

/** Props of {@link S3ObjectStore}. */
export interface S3ObjectStoreProps extends CloudObjectStoreProps {}

/** What each access level may do with the store's objects. */
const OBJECT_ACTIONS: Readonly<Record<StoreAccess, readonly string[]>> = {
  read: ['s3:GetObject'],
  write: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
};

/** What each access level may do with the bucket's key (SSE-KMS: writing needs data keys; reading decrypts them). */
const KEY_ACTIONS: Readonly<Record<StoreAccess, readonly string[]>> = {
  read: ['kms:Decrypt'],
  write: ['kms:Decrypt', 'kms:GenerateDataKey'],
};

/** An S3 bucket (KMS-encrypted, versioned, private, TLS-only) a component keeps files in. */
export class S3ObjectStore extends Construct implements IObjectStore {
  readonly kind = 's3' as const;
  /** The `aws_s3_bucket`. */
  readonly bucket: S3Bucket;
  /** The bucket's customer-managed KMS key, used through S3 only. */
  readonly key: KmsKey;
  readonly bucketName: string;
  readonly prefix: string;
  readonly uri: string;
  readonly region: string;
  /** The bucket's `purpose`. */
  readonly purpose: string;
  private readonly grants = new Set<string>();

  constructor(scope: Construct, id: string, props: S3ObjectStoreProps) {
    super(scope, id);
    const platform = platformOf(this);
    if (platform.cloud !== 'aws' || !platform.region) {
      throw new PlatformValidationError(`an S3 object store needs an AWS platform with a region (this one is cloud: ${platform.cloud}); use GcsObjectStore on gcp, ExistingObjectStore on kubernetes`, this);
    }
    const problem = purposeProblem(props.purpose) ?? prefixProblem(props.prefix ?? '');
    if (problem) throw new PlatformValidationError(problem, this);
    const days = props.noncurrentVersionDays ?? NONCURRENT_VERSION_DAYS[platform.environment];
    if (!Number.isInteger(days) || days < 1) throw new PlatformValidationError(`noncurrentVersionDays must be a whole number of days >= 1, got ${days}`, this);

    this.purpose = props.purpose;
    this.prefix = props.prefix ?? '';
    this.region = platform.region;
    const tags = { 'loom.dev/purpose': props.purpose };
    const account = awsAccount(this);

    // The account administers the key through IAM. Its principals may use it through S3 in this
    // region only, as far as their IAM policies allow: the inline policies `grant` attaches.
    const usage: PolicyStatement = {
      Sid: 'KeyUsageThroughS3',
      Effect: 'Allow',
      Principal: { AWS: [account.rootArn] },
      Action: [...KEY_USER_ACTIONS],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `s3.${platform.region}.amazonaws.com`, 'kms:CallerAccount': account.accountId } },
    };
    this.key = new KmsKey(this, 'Key', {
      description: `Loom: ${props.purpose} bucket of platform ${platform.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(keyPolicy({ administrators: [account.rootArn], statements: [usage] })),
      tags,
    });
    this.bucket = new S3Bucket(this, 'Bucket', { bucketPrefix: objectStoreNames(platform.name, props.purpose).s3BucketPrefix, forceDestroy: false, tags });
    this.bucketName = this.bucket.bucket;
    this.uri = storeUri('s3', this.bucketName, this.prefix);

    privateBucket(this, this.bucket, { key: this.key, noncurrentVersionDays: days });
  }

  /**
   * Attaches an inline policy to `identity`'s role: list the prefix and get its objects (`read`),
   * and put, delete and abort uploads too (`write`), with the key actions they need. Granting the
   * same access to the same identity twice adds nothing; each policy is numbered, so that grants to
   * one role through different references (role names are Terraform references here) never
   * collide on an inline policy name.
   */
  grant(identity: WorkloadIdentity, access: StoreAccess): void {
    if (identity.kind !== 'aws-iam-role') {
      throw new PlatformValidationError(`an S3 object store grants access to AWS IAM roles only, got a ${identity.kind}`, this);
    }
    const key = `${identity.roleArn}|${access}`;
    if (this.grants.has(key)) return;
    this.grants.add(key);
    new IamRolePolicy(this, `Grant${this.grants.size}`, {
      role: identity.roleName,
      name: `${this.purpose}-${access}-${this.grants.size}`,
      policy: JSON.stringify(this.grantPolicy(access)),
    });
  }

  /** The inline policy {@link grant} attaches for `access`. */
  grantPolicy(access: StoreAccess): PolicyDocument {
    const p = this.prefix;
    const list: PolicyStatement = {
      Sid: 'ListPrefix',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: this.bucket.arn,
      ...(p ? { Condition: { StringLike: { 's3:prefix': [p, `${p}/*`] } } } : {}),
    };
    return {
      Version: '2012-10-17',
      Statement: [
        list,
        { Sid: access === 'read' ? 'ReadObjects' : 'ReadWriteObjects', Effect: 'Allow', Action: [...OBJECT_ACTIONS[access]], Resource: p ? `${this.bucket.arn}/${p}/*` : `${this.bucket.arn}/*` },
        { Sid: 'UseBucketKey', Effect: 'Allow', Action: [...KEY_ACTIONS[access]], Resource: this.key.arn },
      ],
    };
  }
}
