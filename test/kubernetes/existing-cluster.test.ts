/**
 * ExistingCluster: reaching a cluster Loom did not create, from the spec or from attributes, and
 * the providers an add-ons stack configures from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { ExistingCluster } from '../../constructs/cluster/existing-cluster';
import { LoomStack } from '../../constructs/core/stack';
import { AddonsStack } from '../../stacks/addons-stack';
import { readStacks, specFrom, synthSpec, type Synthesized } from '../helpers/synth';
import { CA_BASE64, CA_PEM, OIDC_EXEC, onpremSpec, providerConfig } from './fixtures';

describe('ExistingCluster from the spec', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(onpremSpec());
  });
  afterAll(() => out.cleanup());
  const stack = (c: string) => out.stacks[`lab-addons-${c}`]!;

  it('reaches a kubeconfig context through ~/.kube/config unless the spec names the file', () => {
    // GIVEN clusters reached through kubeconfig contexts, THEN both providers read the context
    expect(providerConfig(stack('apps'), 'kubernetes')).toEqual({ config_path: '~/.kube/config', config_context: 'lab-apps' });
    expect(providerConfig(stack('apps'), 'helm')).toEqual({ kubernetes: { config_path: '~/.kube/config', config_context: 'lab-apps' } });
    expect(providerConfig(stack('events'), 'kubernetes')).toEqual({ config_path: '/etc/loom/kubeconfig', config_context: 'lab-events' });
    expect(providerConfig(stack('events'), 'helm').kubernetes).toEqual({ config_path: '/etc/loom/kubeconfig', config_context: 'lab-events' });
  });

  it('reaches an endpoint with its CA and an exec credential (a list block for kubernetes, nested objects for helm 3)', () => {
    const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'kubectl', args: OIDC_EXEC.args };
    const k8s = providerConfig(stack('gpu'), 'kubernetes');
    expect(k8s).toEqual({ host: 'https://gpu.k8s.example.internal:6443', cluster_ca_certificate: CA_PEM, exec: [exec] });
    expect(k8s).not.toHaveProperty('config_path');
    expect(providerConfig(stack('gpu'), 'helm')).toEqual({
      kubernetes: { host: 'https://gpu.k8s.example.internal:6443', cluster_ca_certificate: CA_PEM, exec },
    });
  });

  it("decodes kubeconfig's base64 certificate-authority-data in Terraform and passes env to the plugin", () => {
    // GIVEN the CA as base64 and an exec plugin with environment
    const spec = onpremSpec();
    spec.clusters[2].existing = {
      endpoint: 'https://gpu.k8s.example.internal:6443',
      clusterCaCertificate: CA_BASE64,
      exec: { ...OIDC_EXEC, apiVersion: 'client.authentication.k8s.io/v1', env: { KUBECACHEDIR: '/var/cache/kube', HTTPS_PROXY: 'http://proxy:3128' } },
    };
    const b64 = synthSpec(spec);
    try {
      // THEN the providers get base64decode(...) of exactly that text, and the env with its
      // variable names as written (cdktf would snake-case them in a provider block)
      const env = { KUBECACHEDIR: '/var/cache/kube', HTTPS_PROXY: 'http://proxy:3128' };
      const k8s = providerConfig(b64.stacks['lab-addons-gpu']!, 'kubernetes');
      expect(k8s.cluster_ca_certificate).toBe(`\${base64decode("${CA_BASE64}")}`);
      expect(k8s.exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1', command: 'kubectl', args: OIDC_EXEC.args, env }]);
      expect(providerConfig(b64.stacks['lab-addons-gpu']!, 'helm').kubernetes.exec).toEqual({ api_version: 'client.authentication.k8s.io/v1', command: 'kubectl', args: OIDC_EXEC.args, env });
    } finally {
      b64.cleanup();
    }
  });

  it('states its flavour and plan, and has no cloud', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'loom-existing-')) });
    try {
      const spec = specFrom(onpremSpec());
      const cluster = new ExistingCluster(onpremStack(app, spec.name), 'Gpu', spec.clusters[2]!);
      expect(cluster).toMatchObject({ cloud: 'kubernetes', flavour: 'batch', clusterName: 'gpu' });
      expect(cluster.plan.profile.priorityClasses).toHaveProperty('loom-batch-low');
      expect(cluster.clusterEndpoint).toBe('https://gpu.k8s.example.internal:6443');
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  it('says what to supply when asked for an endpoint it reaches only through a kubeconfig context', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'loom-existing-')) });
    try {
      const spec = specFrom(onpremSpec());
      const cluster = new ExistingCluster(onpremStack(app, spec.name), 'Apps', spec.clusters[0]!);
      expect(() => cluster.clusterEndpoint).toThrow(/ExistingCluster 'apps' \(kubeconfig context 'lab-apps'\) does not provide its API endpoint; give clusters\[\]\.existing\.endpoint/);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});

describe('ExistingCluster.fromAttributes', () => {
  const dirs: string[] = [];
  const newApp = () => {
    const outdir = mkdtempSync(join(tmpdir(), 'loom-existing-'));
    dirs.push(outdir);
    return new App({ outdir });
  };
  /** A stack of platform `research` on existing clusters, where a cluster known by attributes goes. */
  const newStack = () => onpremStack(newApp(), 'research');
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('builds a cluster and its plan from a kubeconfig context', () => {
    const cluster = ExistingCluster.fromAttributes(newStack(), 'Lab', { clusterName: 'lab-gpu', flavour: 'batch', kubeconfigContext: 'lab-gpu' });
    expect(cluster.connection).toEqual({ kind: 'kubeconfig', configContext: 'lab-gpu' });
    expect(cluster.plan).toMatchObject({ name: 'lab-gpu', flavour: 'batch', addonsStackName: 'research-addons-lab-gpu', pools: [] });
    expect(cluster.plan.profile.scaleToZero).toBe(true);
  });

  it('builds a cluster from an endpoint, CA and exec credential', () => {
    const cluster = ExistingCluster.fromAttributes(newStack(), 'Lab', {
      clusterName: 'lab',
      flavour: 'microservice',
      endpoint: 'https://10.0.0.1:6443',
      clusterCaCertificate: CA_PEM,
      exec: { command: 'kubectl', args: ['oidc-login', 'get-token'] },
    });
    expect(cluster.connection).toEqual({
      kind: 'exec',
      host: 'https://10.0.0.1:6443',
      clusterCaCertificate: CA_PEM,
      caIsBase64: false,
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubectl', args: ['oidc-login', 'get-token'] },
    });
    expect(cluster.clusterEndpoint).toBe('https://10.0.0.1:6443');
    expect(cluster.plan.addonsStackName).toBe('research-addons-lab');
  });

  // The messages `loom validate` gives for the same values under clusters[].existing.
  it.each([
    [{ kubeconfigContext: 'a', endpoint: 'https://k8s.example.com', clusterCaCertificate: CA_PEM, exec: { command: 'x' } }, /Bad: existing: give either kubeconfigContext or endpoint, not both/],
    [{}, /Bad: existing: give kubeconfigContext, or endpoint with clusterCaCertificate and exec/],
    [{ endpoint: 'https://k8s.example.com', exec: { command: 'x' } }, /Bad: existing\.clusterCaCertificate: is required with endpoint/],
    [{ endpoint: 'https://k8s.example.com', clusterCaCertificate: 'not a certificate', exec: { command: 'x' } }, /Bad: existing\.clusterCaCertificate: must be a PEM certificate/],
    [{ endpoint: 'https://k8s.example.com', clusterCaCertificate: CA_PEM }, /Bad: existing\.exec: is required with endpoint/],
    [{ kubeconfigContext: 'a', exec: { command: 'x' } }, /Bad: existing\.exec: is only used with endpoint/],
    [{ endpoint: 'https://k8s.example.com', clusterCaCertificate: CA_PEM, exec: { command: 'x' }, kubeconfigPath: '/k' }, /Bad: existing\.kubeconfigPath: is only used with kubeconfigContext/],
    [{ endpoint: 'not a url', clusterCaCertificate: CA_PEM, exec: { command: 'x' } }, /Bad: existing\.endpoint: must be an https:\/\/ URL/],
  ])('refuses attributes it cannot reach a cluster with (%#)', (attrs, message) => {
    expect(() => ExistingCluster.fromAttributes(newStack(), 'Bad', { clusterName: 'bad', flavour: 'batch', ...attrs })).toThrow(message);
  });

  it('refuses a cluster name that is not a DNS label, naming the prop', () => {
    expect(() => ExistingCluster.fromAttributes(newStack(), 'Bad', { clusterName: 'Bad_Name', flavour: 'batch', kubeconfigContext: 'x' })).toThrow(/Bad: name: must be a lowercase DNS label/);
  });

  it('gives a hand-composed add-ons stack its providers', () => {
    // GIVEN an add-ons stack of platform research for a cluster known only by attributes
    const app = newApp();
    const addons = new AddonsStack(app, 'research-addons-gpu', {
      platform: { name: 'research', cloud: 'kubernetes' },
      cluster: { name: 'gpu', flavour: 'batch', existing: { endpoint: 'https://10.0.0.1:6443', clusterCaCertificate: CA_BASE64, exec: OIDC_EXEC } },
    });
    app.synth();
    // THEN the stack's providers reach it
    const cluster = addons.cluster;
    expect(cluster.clusterName).toBe('gpu');
    const stack = readStacks(app.outdir)['research-addons-gpu']!;
    expect(providerConfig(stack, 'kubernetes')).toMatchObject({ host: 'https://10.0.0.1:6443', cluster_ca_certificate: `\${base64decode("${CA_BASE64}")}` });
    expect(Object.keys(stack.terraform?.required_providers ?? {}).sort()).toEqual(['helm', 'kubernetes']);
  });
});

/** A stack of an on-premises platform (`cloud: kubernetes`), where existing clusters are described. */
function onpremStack(app: App, platform: string): LoomStack {
  return new LoomStack(app, `${platform}-addons-test`, { platform: { name: platform, cloud: 'kubernetes' } });
}
