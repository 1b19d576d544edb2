/**
 * The spec rules for existing clusters and on-premises state that came with `cloud: kubernetes`
 * synthesis (the rest of cloud: kubernetes validation is covered in test/schema).
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../schema/load';
import { caCertificateEncoding } from '../../schema/certificates';
import { CA_BASE64, CA_PEM, OIDC_EXEC, onpremSpec } from './fixtures';

function errors(spec: unknown) {
  const r = validateSpec(spec);
  return r.ok ? [] : r.errors;
}
function warnings(spec: unknown) {
  return validateSpec(spec).warnings;
}

describe('clusters[].existing', () => {
  it('accepts the CA as PEM or as base64 of the PEM, and nothing else', () => {
    expect(caCertificateEncoding(CA_PEM)).toBe('pem');
    expect(caCertificateEncoding(CA_BASE64)).toBe('base64');
    expect(caCertificateEncoding(Buffer.from('hello').toString('base64'))).toBeUndefined();
    const spec = onpremSpec();
    spec.clusters[2].existing.clusterCaCertificate = CA_BASE64;
    expect(errors(spec)).toEqual([]);
    spec.clusters[2].existing.clusterCaCertificate = 'MIIB0jCCAXmgAwIBAgIU';
    expect(errors(spec)).toEqual([
      { path: 'clusters[2].existing.clusterCaCertificate', message: expect.stringMatching(/^must be a PEM certificate \(-----BEGIN CERTIFICATE-----\) or its base64 encoding/) },
    ]);
  });

  it('takes kubeconfigPath only with kubeconfigContext', () => {
    const spec = onpremSpec();
    spec.clusters[2].existing.kubeconfigPath = '/etc/kubeconfig';
    expect(errors(spec)).toEqual([{ path: 'clusters[2].existing.kubeconfigPath', message: expect.stringMatching(/^is only used with kubeconfigContext/) }]);
  });

  it('takes no CA or exec credential with a kubeconfig context, naming each key', () => {
    const spec = onpremSpec();
    spec.clusters[0].existing = { kubeconfigContext: 'lab-apps', clusterCaCertificate: CA_PEM, exec: OIDC_EXEC };
    expect(errors(spec)).toEqual([
      { path: 'clusters[0].existing.clusterCaCertificate', message: expect.stringMatching(/^is only used with endpoint; the kubeconfig context carries its own CA/) },
      { path: 'clusters[0].existing.exec', message: expect.stringMatching(/^is only used with endpoint; the kubeconfig context carries its own credentials/) },
    ]);
  });

  it('names the key when a network or node pools are given with cloud: kubernetes', () => {
    const spec = onpremSpec({ network: { cidr: '10.0.0.0/16' } });
    spec.clusters[1].nodePools = [{ name: 'brokers', machineTypes: ['r7i.xlarge'], maxNodes: 3 }];
    expect(errors(spec).map((e) => e.path).sort()).toEqual(['clusters[1].nodePools', 'network']);
  });
});

describe('state for cloud: kubernetes', () => {
  it('takes an https endpoint for an S3-compatible store', () => {
    expect(errors(onpremSpec({ state: { backend: 's3', bucket: 'loom-state', endpoint: 'https://minio.example.internal:9000' } }))).toEqual([]);
    expect(errors(onpremSpec({ state: { backend: 's3', bucket: 'loom-state', endpoint: 'http://minio.example.internal:9000' } }))).toEqual([
      { path: 'state.endpoint', message: 'must be an https:// URL (state holds secrets)' },
    ]);
  });

  it('warns when state would leave the premises although managed services are forbidden', () => {
    const forbidden = { dataResidency: { managedServices: 'forbidden' } };
    const stateWarnings = (spec: Record<string, any>) => warnings(spec).filter((w) => w.path === 'state.backend');
    expect(stateWarnings(onpremSpec({ ...forbidden, state: { backend: 's3', bucket: 'loom-state' } }))).toEqual([
      { path: 'state.backend', message: expect.stringMatching(/in AWS S3 although dataResidency\.managedServices is forbidden; use backend: s3 with endpoint/) },
    ]);
    expect(stateWarnings(onpremSpec({ ...forbidden, state: { backend: 'gcs', bucket: 'loom-state' } }))[0]).toMatchObject({ path: 'state.backend', message: expect.stringMatching(/Google Cloud Storage/) });
    expect(stateWarnings(onpremSpec({ ...forbidden, state: { backend: 's3', bucket: 'loom-state', endpoint: 'https://minio.example.internal' } }))).toEqual([]);
    expect(stateWarnings(onpremSpec({ state: { backend: 's3', bucket: 'loom-state' } }))).toEqual([]);
  });
});
