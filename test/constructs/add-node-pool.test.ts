/**
 * Adding a node pool to a cluster composed by hand: validated with the rest of the cluster like the
 * spec, built like the pools of the props, and refused once the cluster's add-ons (derived from
 * its pools) are installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { LoomStack } from '../../constructs/core/stack';
import { AwsNetwork } from '../../constructs/network/aws-network';
import { GcpNetwork } from '../../constructs/network/gcp-network';
import { EksCluster } from '../../constructs/cluster/eks-cluster';
import { GkeCluster } from '../../constructs/cluster/gke-cluster';
import { AddonsStack } from '../../stacks/addons-stack';
import type { PlatformSettingsInput } from '../../schema/schema';
import { findResources, readStacks, resources } from '../helpers/synth';
import { releases } from '../components/fixtures';
import { customResources } from '../addons/fixtures';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const newApp = () => {
  const outdir = mkdtempSync(join(tmpdir(), 'loom-add-pool-'));
  dirs.push(outdir);
  return new App({ outdir });
};
const AWS: PlatformSettingsInput = { name: 'research', cloud: 'aws', region: 'us-west-2' };
const CPU = { name: 'cpu', machineTypes: ['c7i.xlarge'], minNodes: 0, maxNodes: 4 };
const GPU = { name: 'a10g', machineTypes: ['g5.2xlarge'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-a10g' as const } };

function eks(app: App, autoscaler: 'cluster-autoscaler' | 'karpenter') {
  const stack = new LoomStack(app, 'research-cluster-gpu', { platform: AWS, cloudProvider: true });
  const network = new AwsNetwork(stack, 'Network', { zones: 2 });
  return new EksCluster(stack, 'Cluster', { network, name: 'gpu', flavour: 'batch', autoscaler, nodePools: [CPU] });
}

describe('EksCluster.addNodePool', () => {
  it('adds a managed node group under cluster-autoscaler, and the add-ons see the pool', () => {
    const app = newApp();
    const cluster = eks(app, 'cluster-autoscaler');
    const added = cluster.addNodePool(GPU);
    expect(added).toMatchObject({ name: 'a10g', spot: false, gpu: { type: 'nvidia-a10g', count: 1 } });
    expect(cluster.plan.pools.map((p) => p.name)).toEqual(['cpu', 'a10g']);
    new AddonsStack(app, 'research-addons-gpu', { platform: AWS, cluster });
    app.synth();
    const stacks = readStacks(app.outdir);
    const groups = Object.values(resources(stacks['research-cluster-gpu']!, 'aws_eks_node_group')).map((g) => g.node_group_name);
    expect(groups).toEqual(expect.arrayContaining(['research-gpu-cpu', 'research-gpu-a10g']));
    // A GPU pool brings the GPU operator with it.
    expect(releases(stacks['research-addons-gpu']!)['gpu-operator']).toBeDefined();
  });

  it('becomes a Karpenter NodePool with autoscaler: karpenter', () => {
    const app = newApp();
    const cluster = eks(app, 'karpenter');
    cluster.addNodePool(GPU);
    new AddonsStack(app, 'research-addons-gpu', { platform: AWS, cluster });
    app.synth();
    const stacks = readStacks(app.outdir);
    expect(findResources(stacks['research-cluster-gpu']!, 'aws_eks_node_group').map((g) => g.node_group_name)).toEqual(['research-gpu-system']);
    const nodePools = customResources(stacks['research-addons-gpu']!, 'NodePool').map((r) => r.metadata.name);
    expect(nodePools).toEqual(['cpu', 'a10g']);
  });

  it('validates the pool with the cluster, like the spec, at the cluster path', () => {
    const cluster = eks(newApp(), 'cluster-autoscaler');
    expect(() => cluster.addNodePool({ ...GPU, minNodes: 3 })).toThrow(/^research-cluster-gpu\/Cluster: nodePools\[1\]\.maxNodes: must be >= minNodes \(3\), got 2/);
    expect(() => cluster.addNodePool({ ...CPU })).toThrow(/nodePools\[1\]\.name: 'cpu' is already used by clusters\[0\]\.nodePools\[0\]/);
  });

  it('is refused once the add-ons are installed', () => {
    const app = newApp();
    const cluster = eks(app, 'cluster-autoscaler');
    new AddonsStack(app, 'research-addons-gpu', { platform: AWS, cluster });
    expect(() => cluster.addNodePool(GPU)).toThrow(/cannot add pool 'a10g': the cluster's add-ons are installed/);
  });
});

describe('GkeCluster.addNodePool', () => {
  it('adds a GPU pool after the non-GPU pools', () => {
    const app = newApp();
    const platform: PlatformSettingsInput = { name: 'research', cloud: 'gcp', region: 'us-central1', gcpProject: 'research-ml', gcpProjectNumber: '123456789012' };
    const stack = new LoomStack(app, 'research-cluster-train', { platform, cloudProvider: true });
    const network = new GcpNetwork(stack, 'Network', {});
    const cluster = new GkeCluster(stack, 'Cluster', {
      network,
      name: 'train',
      flavour: 'batch',
      nodePools: [{ name: 'cpu', machineTypes: ['c3-standard-8'], minNodes: 1, maxNodes: 4, spot: false }],
    });
    cluster.addNodePool({ name: 'l4', machineTypes: ['g2-standard-8'], minNodes: 0, maxNodes: 2, gpu: { type: 'nvidia-l4' } });
    app.synth();
    const json = readStacks(app.outdir)['research-cluster-train']!;
    const l4 = findResources(json, 'google_container_node_pool', { name: 'l4' })[0]!;
    expect(JSON.stringify(l4.depends_on)).toContain('google_container_node_pool.Cluster_NodePools_cpu');
  });
});
