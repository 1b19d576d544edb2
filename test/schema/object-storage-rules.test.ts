/**
 * `objectStorage:` names the data centre's S3-compatible store on `cloud: kubernetes` (issue 10,
 * backing stores): https only, an S3-valid bucket, a Secret name — never the keys — and nowhere
 * else, since on aws and gcp Loom creates the buckets.
 */
import { describe, expect, it } from 'vitest';
import { awsSpec, errorsAt, gcpSpec, issue, k8sSpec, onlyError, valid } from './fixtures';

const STORE = { endpoint: 'https://s3.dc1.example.internal', bucket: 'ml-platform', credentialsSecret: 'dc1-object-storage' };

describe('objectStorage', () => {
  it('is accepted on cloud: kubernetes, region defaulting to us-east-1', () => {
    const result = valid(k8sSpec({ objectStorage: { ...STORE } }));
    expect(result.spec.objectStorage).toEqual({ ...STORE, region: 'us-east-1' });
    expect(result.warnings.filter((w) => w.path.startsWith('objectStorage'))).toEqual([]);
  });

  it('keeps a region that is given', () => {
    expect(valid(k8sSpec({ objectStorage: { ...STORE, region: 'dc1' } })).spec.objectStorage?.region).toBe('dc1');
  });

  it('is optional', () => {
    expect(valid(k8sSpec()).spec.objectStorage).toBeUndefined();
  });

  it('is required by the components that build on object storage on cloud: kubernetes, and only by them', () => {
    const noStore = k8sSpec({ components: { experimentTracking: { mode: 'build' }, featureStore: { mode: 'build' }, registry: { mode: 'build' } } });
    expect(errorsAt(noStore, 'components.experimentTracking')).toEqual([
      expect.stringMatching(/^build on cloud: kubernetes keeps MLflow's run artifacts in object storage, which Loom cannot create on your premises; add objectStorage: \{ endpoint/),
    ]);
    expect(errorsAt(noStore, 'components.featureStore')).toEqual([expect.stringMatching(/keeps Feast's offline store in object storage/)]);
    // Harbor keeps its images on a volume there: no object storage needed.
    expect(errorsAt(noStore, 'components.registry')).toEqual([]);
    expect(valid(k8sSpec({ objectStorage: { ...STORE }, components: { experimentTracking: { mode: 'build' } } })).spec.components.experimentTracking?.mode).toBe('build');
  });

  it('is refused on aws and gcp, where Loom creates the buckets', () => {
    expect(onlyError(awsSpec({ objectStorage: { ...STORE } }))).toEqual(issue('objectStorage', 'is only for cloud: kubernetes; on aws Loom creates the buckets built components need (S3'));
    expect(onlyError(gcpSpec({ objectStorage: { ...STORE } }))).toEqual(issue('objectStorage', 'on gcp Loom creates the buckets built components need (GCS'));
  });

  it('refuses an http endpoint, saying to use https', () => {
    expect(onlyError(k8sSpec({ objectStorage: { ...STORE, endpoint: 'http://s3.dc1.example.internal' } }))).toEqual(
      issue('objectStorage.endpoint', /must be an https:\/\/ URL: the objects .* travel over it; put TLS in front of the store/),
    );
  });

  it('refuses an endpoint that is not a URL', () => {
    expect(errorsAt(k8sSpec({ objectStorage: { ...STORE, endpoint: 's3.dc1.example.internal' } }), 'objectStorage.endpoint')).toEqual([
      expect.stringContaining('must be an https:// URL'),
    ]);
  });

  it.each([
    ['ML-Platform', '3 to 63 lowercase letters'],
    ['ml_platform', '3 to 63 lowercase letters'],
    ['ab', '3 to 63 lowercase letters'],
    ['ml-platform-', 'starting and ending with a letter or digit'],
    ['ml..platform', 'no two adjacent dots'],
    ['192.168.1.10', 'not an IP address'],
  ])('refuses the bucket name %s', (bucket, fragment) => {
    expect(errorsAt(k8sSpec({ objectStorage: { ...STORE, bucket } }), 'objectStorage.bucket')).toEqual([expect.stringContaining(fragment)]);
  });

  it('takes a bucket name with dots', () => {
    expect(valid(k8sSpec({ objectStorage: { ...STORE, bucket: 'ml.platform.dc1' } })).spec.objectStorage?.bucket).toBe('ml.platform.dc1');
  });

  it.each([['DC1-Keys'], ['dc1_keys'], ['-dc1']])('refuses the Secret name %s', (credentialsSecret) => {
    expect(errorsAt(k8sSpec({ objectStorage: { ...STORE, credentialsSecret } }), 'objectStorage.credentialsSecret')).toEqual([
      expect.stringMatching(/must be a Kubernetes Secret name: lowercase letters, digits/),
    ]);
  });

  it('refuses a Secret name longer than 253 characters', () => {
    expect(errorsAt(k8sSpec({ objectStorage: { ...STORE, credentialsSecret: 'a'.repeat(254) } }), 'objectStorage.credentialsSecret')).toEqual([
      expect.stringContaining('must be at most 253 characters'),
    ]);
  });

  it('refuses credentials in the spec (unknown keys), naming the key', () => {
    const errors = errorsAt(k8sSpec({ objectStorage: { ...STORE, accessKeyId: 'AKIA…' } }), 'objectStorage.accessKeyId');
    expect(errors).toHaveLength(1);
  });

  it('requires endpoint, bucket and credentialsSecret', () => {
    const spec = k8sSpec({ objectStorage: { endpoint: STORE.endpoint } });
    expect(errorsAt(spec, 'objectStorage.bucket')).toHaveLength(1);
    expect(errorsAt(spec, 'objectStorage.credentialsSecret')).toHaveLength(1);
  });
});
