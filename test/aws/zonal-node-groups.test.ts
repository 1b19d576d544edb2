/**
 * M6: a stateful streaming pool under cluster-autoscaler gets one managed node group per zone,
 * each in that zone's subnet, so that the autoscaler grows the zone a pending broker's EBS volume
 * is in. Other pools keep one node group, at their old address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResources, resources, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from './fixtures';

describe('zonal node groups for streaming pools', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());
  const events = () => out.stacks['acme-cluster-events']!;

  it('splits the brokers pool into one node group per zone, each in one subnet of that zone', () => {
    const groups = findResources(events(), 'aws_eks_node_group');
    expect(groups.map((g) => g.node_group_name).sort()).toEqual(['acme-events-brokers-a', 'acme-events-brokers-b', 'acme-events-brokers-c']);
    for (const g of groups) {
      const zone = String(g.node_group_name).slice(-1);
      expect(g.subnet_ids).toEqual([expect.stringMatching(new RegExp(`NodeSubnets_events_us-east-1${zone}_`))]);
      // The pool's 3 to 6 brokers shared out: 1 to 2 per zone.
      expect(g.scaling_config).toEqual({ min_size: 1, max_size: 2, desired_size: 1 });
      expect(g.labels).toMatchObject({ 'loom.dev/pool': 'brokers' });
    }
    // One launch template for the pool, shared by its zonal groups.
    expect(Object.keys(resources(events(), 'aws_launch_template'))).toHaveLength(1);
    expect(new Set(groups.map((g) => (g.launch_template as { id: string }).id)).size).toBe(1);
  });

  it('shares uneven totals out over the zones, keeping every group able to hold a node', async () => {
    const { shareOut } = await import('../../constructs/cluster/eks-cluster');
    expect(shareOut(7, 3)).toEqual([3, 2, 2]);
    expect(shareOut(3, 3)).toEqual([1, 1, 1]);
    const spec = awsSpec();
    spec.clusters[1].nodePools[0] = { ...spec.clusters[1].nodePools[0], minNodes: 4, maxNodes: 8 };
    const uneven = synthSpec(spec);
    try {
      const groups = findResources(uneven.stacks['acme-cluster-events']!, 'aws_eks_node_group');
      const sizes = groups.map((g) => g.scaling_config as { min_size: number; max_size: number; desired_size: number });
      expect(sizes.map((c) => c.min_size).reduce((a, b) => a + b)).toBe(4);
      expect(sizes.map((c) => c.max_size).reduce((a, b) => a + b)).toBe(8);
      for (const c of sizes) expect(c.desired_size).toBeGreaterThanOrEqual(c.min_size);
    } finally {
      uneven.cleanup();
    }
  });

  it('gives the zonal groups construct ids named after their zones', () => {
    expect(Object.keys(resources(events(), 'aws_eks_node_group')).sort()).toEqual([
      expect.stringMatching(/^Cluster_NodePools_brokers_NodeGroup-us-east-1a_\w+$/),
      expect.stringMatching(/^Cluster_NodePools_brokers_NodeGroup-us-east-1b_\w+$/),
      expect.stringMatching(/^Cluster_NodePools_brokers_NodeGroup-us-east-1c_\w+$/),
    ]);
  });

  it('keeps one node group, at its old address, for the other pools', () => {
    const apps = Object.entries(resources(out.stacks['acme-cluster-apps']!, 'aws_eks_node_group'));
    expect(apps).toHaveLength(1);
    expect(apps[0]![0]).toMatch(/^Cluster_NodePools_general_NodeGroup_\w+$/);
    expect(apps[0]![1].subnet_ids as string[]).toHaveLength(3);
    for (const g of findResources(out.stacks['acme-cluster-training']!, 'aws_eks_node_group')) expect(g.subnet_ids as string[]).toHaveLength(3);
  });

  it('waits for every zonal group before installing CoreDNS', () => {
    const coredns = findResources(events(), 'aws_eks_addon', { addon_name: 'coredns' })[0]!;
    const groups = Object.keys(resources(events(), 'aws_eks_node_group')).map((n) => `aws_eks_node_group.${n}`);
    expect(coredns.depends_on).toEqual(expect.arrayContaining(groups));
  });

  it('keeps one node group for a streaming cluster under Karpenter (it places nodes by volume zone itself)', () => {
    const spec = awsSpec();
    spec.clusters[1].autoscaler = 'karpenter';
    const k = synthSpec(spec);
    try {
      const names = findResources(k.stacks['acme-cluster-events']!, 'aws_eks_node_group').map((g) => g.node_group_name);
      expect(names).toEqual(['acme-events-system']);
    } finally {
      k.cleanup();
    }
  });
});
