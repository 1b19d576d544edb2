/**
 * The TypeScript examples — one per target, each composing Loom's stacks and constructs by hand —
 * synthesize, and the AWS one synthesizes exactly what its YAML twin does: the same stacks, each
 * stack's cdk.tf.json equal byte for byte.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { buildAwsMinimal } from '../../examples/typescript/aws-minimal';
import { buildGcpResearch } from '../../examples/typescript/gcp-research';
import { buildOnPremLab } from '../../examples/typescript/onprem-lab';
import { findResources, readStacks, resources, specFromFile, synthSpec, type StackJson } from '../helpers/synth';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synthApp(build: (app: App) => unknown): { dir: string; stacks: Record<string, StackJson> } {
  const dir = mkdtempSync(join(tmpdir(), 'loom-ts-example-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  build(app);
  app.synth();
  return { dir, stacks: readStacks(dir) };
}

const stackFile = (dir: string, stack: string) => readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8');

describe('examples/typescript/aws-minimal.ts', () => {
  it('synthesizes byte for byte what examples/aws-minimal.yaml synthesizes', () => {
    const yaml = synthSpec(specFromFile(join(__dirname, '..', '..', 'examples', 'aws-minimal.yaml')));
    try {
      const ts = synthApp(buildAwsMinimal);
      const names = readdirSync(join(yaml.dir, 'stacks')).sort();
      expect(readdirSync(join(ts.dir, 'stacks')).sort()).toEqual(names);
      expect(names).toEqual(['sandbox-addons-apps', 'sandbox-cluster-apps', 'sandbox-network', 'sandbox-services']);
      for (const name of names) expect(stackFile(ts.dir, name), name).toBe(stackFile(yaml.dir, name));
    } finally {
      yaml.cleanup();
    }
  });
});

describe('examples/typescript/gcp-research.ts', () => {
  const { stacks } = synthApp(buildGcpResearch);

  it('builds network, cluster, add-ons and services stacks', () => {
    expect(Object.keys(stacks).sort()).toEqual(['research-addons-training', 'research-cluster-training', 'research-network', 'research-services']);
  });

  it('places the cluster in the network: its subnetwork takes the first block of 10.30.0.0/16', () => {
    expect(findResources(stacks['research-network']!, 'google_compute_subnetwork', { ip_cidr_range: '10.30.0.0/18' })).toHaveLength(1);
  });

  it('gives the batch cluster its spot CPU pool and its L4 pool, and a system pool for the controllers', () => {
    const pools = Object.values(resources(stacks['research-cluster-training']!, 'google_container_node_pool'));
    const names = pools.map((p) => String(p.name)).sort();
    expect(names).toEqual(['cpu', 'l4', 'system']);
  });

  it('installs the GPU operator and Kueue on the cluster', () => {
    const releases = Object.values(resources(stacks['research-addons-training']!, 'helm_release')).map((r) => r.name);
    expect(releases).toEqual(expect.arrayContaining(['gpu-operator', 'kueue', 'cert-manager']));
  });

  it('buys the registry: an Artifact Registry repository the cluster nodes may read', () => {
    const services = stacks['research-services']!;
    expect(findResources(services, 'google_artifact_registry_repository', { location: 'europe-west4', format: 'DOCKER' })).toHaveLength(1);
    expect(findResources(services, 'google_artifact_registry_repository_iam_member', { role: 'roles/artifactregistry.reader' })).toHaveLength(1);
  });
});

describe('examples/typescript/onprem-lab.ts', () => {
  const { stacks } = synthApp(buildOnPremLab);

  it('is one add-ons stack with no cloud provider, its state in the S3-compatible store', () => {
    const stack = stacks['lab-addons-gpu']!;
    expect(Object.keys(stacks)).toEqual(['lab-addons-gpu']);
    expect(Object.keys(stack.provider ?? {}).sort()).toEqual(['helm', 'kubernetes']);
    expect(stack.terraform?.backend?.s3).toMatchObject({ bucket: 'lab-tfstate', key: 'loom/lab-addons-gpu.tfstate', endpoints: { s3: 'https://s3.lab.internal.example' } });
  });

  it('installs the batch add-ons and monitoring on the existing cluster', () => {
    const releases = Object.values(resources(stacks['lab-addons-gpu']!, 'helm_release')).map((r) => r.name);
    expect(releases).toEqual(expect.arrayContaining(['cert-manager', 'metrics-server', 'gpu-operator', 'kueue', 'kube-prometheus-stack']));
  });
});
