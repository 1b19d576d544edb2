/**
 * One schema, two front-ends: a construct given bad props fails with the message platform.yaml
 * would give for the same value, at `<construct path>: <prop path>`; given good props, a
 * hand-composed network and its clusters get the addresses the spec would give them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { InvalidPropsError } from '../../constructs/core/errors';
import { LoomStack } from '../../constructs/core/stack';
import { AwsNetwork } from '../../constructs/network/aws-network';
import { GcpNetwork } from '../../constructs/network/gcp-network';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { GkeCluster } from '../../constructs/cluster/gke-cluster';
import { MlPlatform } from '../../stacks/ml-platform';
import { validateSpec } from '../../schema/load';
import { resolvePlan } from '../../plan';
import type { ClusterSpecInput, PlatformSettingsInput } from '../../schema/schema';
import { specFrom } from '../helpers/synth';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const newApp = () => {
  const outdir = mkdtempSync(join(tmpdir(), 'loom-props-'));
  dirs.push(outdir);
  return new App({ outdir });
};

const AWS: PlatformSettingsInput = { name: 'research', cloud: 'aws', region: 'us-west-2' };
const GPU_CLUSTER: ClusterSpecInput = {
  name: 'gpu',
  flavour: 'batch',
  nodePools: [
    { name: 'cpu', machineTypes: ['c7i.xlarge'], minNodes: 0, maxNodes: 4 },
    { name: 'a10g', machineTypes: ['g5.2xlarge'], minNodes: 3, maxNodes: 2, gpu: { type: 'nvidia-a10g' } },
  ],
};

/** The message `loom validate` gives at `path` for the spec made of these parts. */
function yamlMessage(spec: Record<string, unknown>, path: string): string {
  const result = validateSpec(spec);
  expect(result.ok).toBe(false);
  const issue = result.ok ? undefined : result.errors.find((e) => e.path === path);
  expect(issue, `no problem at ${path}`).toBeDefined();
  return issue!.message;
}

function errorOf(f: () => unknown): InvalidPropsError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidPropsError);
    return e as InvalidPropsError;
  }
  throw new Error('expected the construct to refuse its props');
}

describe('bad props fail like the YAML', () => {
  it('EksCluster: the rule on a pool, at the construct path plus the prop', () => {
    const app = newApp();
    const network = new AwsNetwork(new LoomStack(app, 'research-network', { platform: AWS }), 'Network', { cidr: '10.42.0.0/16', zones: 2 });
    const stack = new LoomStack(app, 'research-cluster-gpu', { platform: AWS });
    const error = errorOf(() => new EksCluster(stack, 'Cluster', { ...GPU_CLUSTER, network }));
    const message = yamlMessage({ ...AWS, network: { cidr: '10.42.0.0/16', zones: 2 }, clusters: [GPU_CLUSTER] }, 'clusters[0].nodePools[1].maxNodes');
    expect(message).toBe('must be >= minNodes (3), got 2; raise maxNodes or lower minNodes');
    expect(error.message).toBe(`research-cluster-gpu/Cluster: nodePools[1].maxNodes: ${message}`);
  });

  it('reports every problem at once, the ones the YAML reports', () => {
    const app = newApp();
    const network = new AwsNetwork(new LoomStack(app, 'n', { platform: AWS }), 'Network', {});
    const stack = new LoomStack(app, 'c', { platform: AWS });
    const bad = { ...GPU_CLUSTER, name: 'GPU', nodePools: [{ ...GPU_CLUSTER.nodePools![0]!, maxNodes: 0 }, GPU_CLUSTER.nodePools![1]!] };
    const error = errorOf(() => new EksCluster(stack, 'Cluster', { ...bad, network }));
    const yaml = validateSpec({ ...AWS, clusters: [bad] });
    const expected = yaml.ok ? [] : yaml.errors.map((e) => ({ path: e.path.replace(/^clusters\[0\]\.?/, ''), message: e.message }));
    expect(expected.length).toBeGreaterThan(1);
    expect(error.issues).toEqual(expected);
    expect(error.message.split('\n')).toHaveLength(expected.length);
  });

  it('AwsNetwork: the network rules, with the platform settings of its stack', () => {
    const stack = new LoomStack(newApp(), 'research-network', { platform: { ...AWS, environment: 'prod' } });
    const error = errorOf(() => new AwsNetwork(stack, 'Network', { cidr: '8.8.0.0/16', zones: 1 }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['cidr', 'zones']);
    expect(error.message).toContain(`research-network/Network: zones: ${yamlMessage({ ...AWS, environment: 'prod', network: { zones: 1 }, clusters: [{ name: 'x', flavour: 'streaming' }] }, 'network.zones')}`);
  });

  it('LoomStack: the settings rules (a region of another cloud)', () => {
    const error = errorOf(() => new LoomStack(newApp(), 'x', { platform: { ...AWS, region: 'us-central1' } }));
    expect(error.message).toBe(`x: region: ${yamlMessage({ ...AWS, region: 'us-central1', clusters: [{ name: 'x', flavour: 'streaming' }] }, 'region')}`);
  });

  it('MlPlatform: every problem of the spec, at its construct path', () => {
    const error = errorOf(() => new MlPlatform(newApp(), 'research', { ...AWS, clusters: [GPU_CLUSTER] }));
    expect(error.message).toBe('research: clusters[0].nodePools[1].maxNodes: must be >= minNodes (3), got 2; raise maxNodes or lower minNodes');
  });

  it('a construct on the wrong cloud says so', () => {
    const app = newApp();
    const gcp = new LoomStack(app, 'g', { platform: { name: 'research', cloud: 'gcp', region: 'us-central1', gcpProject: 'research-ml' } });
    expect(() => new AwsNetwork(gcp, 'Network', {})).toThrow(/AwsNetwork is for cloud: aws; this stack's platform is on gcp/);
    expect(() => new AwsNetwork(new App(), 'Network', {})).toThrow(/is not inside a LoomStack/);
  });
});

describe('hand-composed addresses are the spec’s', () => {
  const clusters: ClusterSpecInput[] = [
    { name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['m7i.large'], minNodes: 1, maxNodes: 3 }] },
    { ...GPU_CLUSTER, nodePools: [GPU_CLUSTER.nodePools![0]!] },
  ];

  it('on AWS: each cluster takes the block resolvePlan gives it, in creation order', () => {
    const plan = resolvePlan(specFrom({ ...AWS, network: { cidr: '10.42.0.0/16', zones: 2 }, clusters }));
    const app = newApp();
    const network = new AwsNetwork(new LoomStack(app, 'n', { platform: AWS }), 'Network', { cidr: '10.42.0.0/16', zones: 2 });
    const stack = new LoomStack(app, 'c', { platform: AWS });
    const built = clusters.map((c) => new EksCluster(stack, c.name, { ...c, network }));
    expect(built.map((c) => c.plan.block)).toEqual(plan.clusters.map((c) => c.block));
    expect(built.map((c) => c.plan.nodeSubnets)).toEqual(plan.clusters.map((c) => c.nodeSubnets));
    expect(() => new EksCluster(stack, 'again', { ...clusters[0]!, network })).toThrow(/cluster 'apps' is already placed in this network/);
  });

  it('on Google Cloud: blocks and secondary ranges too', () => {
    const GCP: PlatformSettingsInput = { name: 'research', cloud: 'gcp', region: 'us-central1', gcpProject: 'research-ml', gcpProjectNumber: '123456789012' };
    const gcpClusters: ClusterSpecInput[] = [
      { name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['n2-standard-4'], minNodes: 1, maxNodes: 3 }] },
      { name: 'train', flavour: 'batch', nodePools: [{ name: 'cpu', machineTypes: ['c3-standard-8'], minNodes: 0, maxNodes: 3 }] },
    ];
    const plan = resolvePlan(specFrom({ ...GCP, clusters: gcpClusters }));
    const app = newApp();
    const network = new GcpNetwork(new LoomStack(app, 'n', { platform: GCP }), 'Network', {});
    const stack = new LoomStack(app, 'c', { platform: GCP });
    const built = gcpClusters.map((c) => new GkeCluster(stack, c.name, { ...c, network }));
    expect(built.map((c) => c.plan.gcp)).toEqual(plan.clusters.map((c) => c.gcp));
    expect(built.map((c) => c.plan.block)).toEqual(plan.clusters.map((c) => c.block));
  });
});
