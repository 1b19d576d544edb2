/**
 * The object stores built components keep files in: S3 (KMS, versioning, private, TLS-only,
 * lifecycle, prefix-scoped grants), GCS (uniform access, public access prevention, versioning,
 * bucket roles) and the data centre's S3-compatible store (coordinates only).
 */
import { describe, expect, it } from 'vitest';
import { Testing } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { InvalidPropsError, PlatformValidationError } from '../../constructs/core/errors';
import { S3ObjectStore } from '../../constructs/stores/object-store/s3-object-store';
import { GcsObjectStore } from '../../constructs/stores/object-store/gcs-object-store';
import { ExistingObjectStore } from '../../constructs/stores/object-store/existing-object-store';
import { NONCURRENT_VERSION_DAYS, objectStoreNames } from '../../constructs/stores/object-store/names';
import type { WorkloadIdentity } from '../../constructs/stores/contract';
import type { PlatformSettingsInput } from '../../schema/schema';
import { findResource, resources, type StackJson } from '../helpers/synth';

const ROLE: WorkloadIdentity = { kind: 'aws-iam-role', roleName: 'acme-mlflow', roleArn: 'arn:aws:iam::123456789012:role/acme-mlflow' };
const READER: WorkloadIdentity = { kind: 'aws-iam-role', roleName: 'acme-notebooks', roleArn: 'arn:aws:iam::123456789012:role/acme-notebooks' };
const SA: WorkloadIdentity = { kind: 'gcp-service-account', email: 'acme-mlflow@acme-ml-prod.iam.gserviceaccount.com' };
const AWS: PlatformSettingsInput = { name: 'acme', cloud: 'aws', region: 'us-east-1' };
const GCP: PlatformSettingsInput = { name: 'acme', cloud: 'gcp', region: 'europe-west1', gcpProject: 'acme-ml-prod' };

function stackWith(platform: PlatformSettingsInput, build: (stack: LoomStack) => void, cloudProvider = true): StackJson {
  const app = Testing.app();
  const stack = new LoomStack(app, 'x', { platform, cloudProvider });
  build(stack);
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

const only = (stack: StackJson, type: string) => {
  const all = Object.values(resources(stack, type));
  expect(all, type).toHaveLength(1);
  return all[0] as Record<string, any>;
};
const parsed = (policy: unknown) => JSON.parse(policy as string) as { Statement: Record<string, any>[] };

describe('S3ObjectStore', () => {
  const synth = (platform: PlatformSettingsInput = AWS) =>
    stackWith(platform, (s) => {
      const store = new S3ObjectStore(s, 'Artifacts', { purpose: 'mlflow-artifacts', prefix: 'mlflow/artifacts' });
      store.grant(ROLE, 'write');
      store.grant(ROLE, 'write'); // twice: nothing more
      store.grant(READER, 'read');
    });
  const stack = synth();
  const keyArn = () => `\${aws_kms_key.${Object.keys(resources(stack, 'aws_kms_key'))[0]}.arn}`;

  it('encrypts with its own rotated KMS key, with bucket keys', () => {
    const key = only(stack, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    const sse = only(stack, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn() }, bucket_key_enabled: true }]);
    expect(keyArn()).toMatch(/^\$\{aws_kms_key\.Artifacts_Key_\w+\.arn\}$/);
  });

  it('lets the account use the key only through S3 in the platform region', () => {
    const usage = parsed(only(stack, 'aws_kms_key').policy).Statement.find((s) => s.Sid === 'KeyUsageThroughS3')!;
    expect(usage.Condition.StringEquals['kms:ViaService']).toBe('s3.us-east-1.amazonaws.com');
    expect(usage.Action).toContain('kms:Decrypt');
  });

  it('is versioned, private (all four blocks, ACLs disabled) and refuses requests without TLS', () => {
    expect(only(stack, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(only(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(only(stack, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    const deny = parsed(only(stack, 'aws_s3_bucket_policy').policy).Statement;
    expect(deny).toEqual([expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    expect(deny[0]!.Resource).toHaveLength(2);
  });

  it('expires noncurrent versions by environment and aborts incomplete uploads after 7 days', () => {
    const rules = (s: StackJson) => only(s, 'aws_s3_bucket_lifecycle_configuration').rule as Record<string, any>[];
    expect(rules(stack)).toEqual([
      expect.objectContaining({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: NONCURRENT_VERSION_DAYS.dev }] }),
      expect.objectContaining({ status: 'Enabled', abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
    ]);
    const prod = synth({ ...AWS, environment: 'prod' });
    expect(rules(prod)[0]!.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(NONCURRENT_VERSION_DAYS.prod).toBeGreaterThan(NONCURRENT_VERSION_DAYS.dev);
  });

  it('grants write: list, get, put, delete and abort under the prefix only, and the key to encrypt', () => {
    const policies = Object.values(resources(stack, 'aws_iam_role_policy')) as Record<string, any>[];
    expect(policies).toHaveLength(2);
    const write = policies.find((p) => p.role === 'acme-mlflow')!;
    expect(write.name).toMatch(/^mlflow-artifacts-write-\d+$/);
    const [list, objects, key] = parsed(write.policy).Statement;
    expect(list).toMatchObject({ Action: ['s3:ListBucket'], Condition: { StringLike: { 's3:prefix': ['mlflow/artifacts', 'mlflow/artifacts/*'] } } });
    expect(list!.Resource).toMatch(/^\$\{aws_s3_bucket\.Artifacts_Bucket_\w+\.arn\}$/);
    expect(objects!.Action).toEqual(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    expect(objects!.Resource).toMatch(/\.arn\}\/mlflow\/artifacts\/\*$/);
    expect(key).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn() });
  });

  it('grants read: list and get under the prefix, decrypt only', () => {
    const read = (Object.values(resources(stack, 'aws_iam_role_policy')) as Record<string, any>[]).find((p) => p.role === 'acme-notebooks')!;
    const [, objects, key] = parsed(read.policy).Statement;
    expect(objects!.Action).toEqual(['s3:GetObject']);
    expect(objects!.Resource).toMatch(/\/mlflow\/artifacts\/\*$/);
    expect(key!.Action).toEqual(['kms:Decrypt']);
  });

  it('grants the whole bucket without a prefix, and gives its s3:// uri', () => {
    let uri = '';
    const whole = stackWith(AWS, (s) => {
      const store = new S3ObjectStore(s, 'Offline', { purpose: 'feast-offline' });
      store.grant(ROLE, 'read');
      uri = store.uri;
      expect(store.kind).toBe('s3');
      expect(store.region).toBe('us-east-1');
    });
    const [list, objects] = parsed(only(whole, 'aws_iam_role_policy').policy).Statement;
    expect(list!.Condition).toBeUndefined();
    expect(objects!.Resource).toMatch(/\.arn\}\/\*$/);
    expect(uri).toMatch(/^s3:\/\/\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(only(whole, 'aws_s3_bucket').bucket_prefix).toBe('acme-feast-offline-');
  });

  it('refuses a GCP identity, a bad purpose or prefix, and a non-AWS platform', () => {
    expect(() => stackWith(AWS, (s) => new S3ObjectStore(s, 'S', { purpose: 'x' }).grant(SA, 'read'))).toThrow(/AWS IAM roles only/);
    expect(() => stackWith(AWS, (s) => new S3ObjectStore(s, 'S', { purpose: 'MLflow' }))).toThrow(/lowercase DNS label/);
    expect(() => stackWith(AWS, (s) => new S3ObjectStore(s, 'S', { purpose: 'mlflow', prefix: '/artifacts/' }))).toThrow(/without a leading or trailing/);
    expect(() => stackWith(GCP, (s) => new S3ObjectStore(s, 'S', { purpose: 'mlflow' }))).toThrow(PlatformValidationError);
  });
});

describe('GcsObjectStore', () => {
  const stack = stackWith(GCP, (s) => {
    const store = new GcsObjectStore(s, 'Artifacts', { purpose: 'mlflow-artifacts', prefix: 'mlflow' });
    store.grant(SA, 'write');
    store.grant({ kind: 'gcp-service-account', email: 'acme-nb@acme-ml-prod.iam.gserviceaccount.com' }, 'read');
    expect(store.kind).toBe('gcs');
    expect(store.uri).toMatch(/^gs:\/\/\$\{TfToken\[TOKEN\.\d+\]\}\/mlflow$/);
  });

  it('is named <project>-<platform>-<purpose>, with uniform access, public access prevention and versioning', () => {
    expect(only(stack, 'google_storage_bucket')).toMatchObject({
      name: 'acme-ml-prod-acme-mlflow-artifacts',
      project: 'acme-ml-prod',
      location: 'europe-west1',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      force_destroy: false,
      labels: expect.objectContaining({ 'loom-platform': 'acme', 'loom-purpose': 'mlflow-artifacts' }),
    });
  });

  it('deletes noncurrent versions after the environment\'s days, and abandoned upload parts after a week', () => {
    expect(only(stack, 'google_storage_bucket').lifecycle_rule).toEqual([
      { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: NONCURRENT_VERSION_DAYS.dev, with_state: 'ARCHIVED' } },
      { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 7 } },
    ]);
  });

  it('grants objectUser to writers and objectViewer to readers, on the bucket', () => {
    expect(findResource(stack, 'google_storage_bucket_iam_member', { member: `serviceAccount:${SA.kind === 'gcp-service-account' ? SA.email : ''}` }).role).toBe('roles/storage.objectUser');
    expect(findResource(stack, 'google_storage_bucket_iam_member', { member: 'serviceAccount:acme-nb@acme-ml-prod.iam.gserviceaccount.com' }).role).toBe('roles/storage.objectViewer');
  });

  it('refuses an AWS role', () => {
    expect(() => stackWith(GCP, (s) => new GcsObjectStore(s, 'S', { purpose: 'x' }).grant(ROLE, 'read'))).toThrow(/Google service accounts only/);
  });
});

describe('ExistingObjectStore', () => {
  const K8S: PlatformSettingsInput = { name: 'acme', cloud: 'kubernetes' };
  const SPEC = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' };

  it('creates nothing and gives the spec\'s coordinates, region defaulting to us-east-1', () => {
    let store!: ExistingObjectStore;
    const stack = stackWith(K8S, (s) => {
      store = new ExistingObjectStore(s, 'Artifacts', { spec: SPEC, prefix: 'mlflow' });
      store.grant(ROLE, 'write');
    }, false);
    expect(stack.resource ?? {}).toEqual({});
    expect(store).toMatchObject({
      kind: 's3-compatible',
      uri: 's3://ml-platform/mlflow',
      bucketName: 'ml-platform',
      endpoint: 'https://s3.dc1.example.internal',
      credentialsSecret: 'dc1-object-storage',
      region: 'us-east-1',
      prefix: 'mlflow',
    });
  });

  it('validates its spec as platform.yaml does', () => {
    const bad = () => stackWith(K8S, (s) => new ExistingObjectStore(s, 'Artifacts', { spec: { ...SPEC, endpoint: 'http://s3.dc1.example.internal' } }), false);
    expect(bad).toThrow(InvalidPropsError);
    expect(bad).toThrow(/x\/Artifacts: endpoint: must be an https:\/\/ URL/);
    expect(() => stackWith(AWS, (s) => new ExistingObjectStore(s, 'A', { spec: SPEC }))).toThrow(/only for cloud: kubernetes/);
  });
});

describe('bucket names', () => {
  const platform = 'a'.repeat(20);

  it('fit S3 and GCS limits for a 20-character platform name and a 30-character purpose', () => {
    const purpose = 'p'.repeat(30);
    const names = objectStoreNames(platform, purpose);
    expect(names.s3BucketPrefix.length).toBeLessThanOrEqual(37);
    expect(names.s3BucketPrefix).toMatch(/^[a-z0-9][a-z0-9-]*-$/);
    const gcs = names.gcsBucket('a-thirty-character-project-id0');
    expect(gcs.length).toBeLessThanOrEqual(63);
    expect(gcs).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    // shortened names of different purposes stay different
    expect(objectStoreNames(platform, `${'p'.repeat(29)}q`).s3BucketPrefix).not.toBe(names.s3BucketPrefix);
  });

  it('keeps a short name as is', () => {
    expect(objectStoreNames('acme', 'mlflow-artifacts').s3BucketPrefix).toBe('acme-mlflow-artifacts-');
    expect(objectStoreNames('acme', 'mlflow-artifacts').gcsBucket('acme-ml-prod')).toBe('acme-ml-prod-acme-mlflow-artifacts');
  });

  it('synthesizes within the limits for a 20-character platform', () => {
    const aws = stackWith({ ...AWS, name: platform }, (s) => new S3ObjectStore(s, 'S', { purpose: 'mlflow-artifacts' }));
    expect((only(aws, 'aws_s3_bucket').bucket_prefix as string).length).toBeLessThanOrEqual(37);
    const gcp = stackWith({ ...GCP, name: platform }, (s) => new GcsObjectStore(s, 'S', { purpose: 'mlflow-artifacts' }));
    expect((only(gcp, 'google_storage_bucket').name as string).length).toBeLessThanOrEqual(63);
  });
});
