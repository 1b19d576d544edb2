/**
 * The data tier of the address plan: a fixed block right below the public subnets (AWS: one
 * subnet per zone with no route out of the VPC; Google Cloud: the private services access range
 * and its peering), created on first use, never renumbering a cluster and never taken by one.
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
import { AddressPlanner } from '../../plan';
import { findResources, readStacks, resources } from '../helpers/synth';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const newApp = () => {
  const outdir = mkdtempSync(join(tmpdir(), 'loom-data-tier-'));
  dirs.push(outdir);
  return new App({ outdir });
};
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

describe('AddressPlanner.dataTier', () => {
  it('is the /22 right below the public /21, one /25 per zone, wherever the clusters are', () => {
    const planner = new AddressPlanner('10.0.0.0/16', ZONES);
    const before = planner.place({ name: 'apps', flavour: 'microservice' });
    const tier = planner.dataTier();
    expect(tier.block).toBe('10.0.244.0/22');
    expect(tier.subnets).toEqual([
      { zone: 'us-east-1a', cidr: '10.0.244.0/25' },
      { zone: 'us-east-1b', cidr: '10.0.244.128/25' },
      { zone: 'us-east-1c', cidr: '10.0.245.0/25' },
    ]);
    // The same with no cluster at all, and clusters placed before keep their blocks.
    expect(new AddressPlanner('10.0.0.0/16', ZONES).dataTier().block).toBe('10.0.244.0/22');
    expect(before.block).toBe('10.0.0.0/19');
  });

  it('keeps clusters placed afterwards out of it, and refuses it where clusters already reach it', () => {
    const planner = new AddressPlanner('10.0.0.0/18', ZONES);
    planner.dataTier(); // 10.0.52.0/22, below the public 10.0.56.0/21
    planner.place({ name: 'a', flavour: 'microservice' }); // 10.0.0.0/19
    expect(() => planner.place({ name: 'b', flavour: 'microservice' })).toThrow(/no room left for cluster 'b'/);
    const full = new AddressPlanner('10.0.0.0/18', ZONES);
    full.place({ name: 'a', flavour: 'microservice' });
    full.place({ name: 'b', flavour: 'streaming' });
    full.place({ name: 'c', flavour: 'streaming' });
    full.place({ name: 'd', flavour: 'streaming' }); // 10.0.48.0/21, into 10.0.52.0/22
    expect(() => full.dataTier()).toThrow(/no room left for the data tier \(10\.0\.52\.0\/22/);
  });
});

describe('AwsNetwork.dataSubnets', () => {
  it('creates one subnet per zone on a route table with no route out of the VPC, and changes nothing else', () => {
    const app = newApp();
    const stack = new LoomStack(app, 'acme-network', { platform: { name: 'acme', cloud: 'aws', region: 'us-east-1' }, cloudProvider: true });
    const network = new AwsNetwork(stack, 'Network', { cidr: '10.0.0.0/16', zones: 3 });
    const cluster = new EksCluster(stack, 'Cluster', { network, name: 'apps', flavour: 'microservice', nodePools: [{ name: 'general', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 4 }] });
    const data = network.dataSubnets();
    expect(network.dataSubnets()).toBe(data);
    expect(data.cidrs).toEqual(['10.0.244.0/25', '10.0.244.128/25', '10.0.245.0/25']);
    expect(cluster.plan.block).toBe('10.0.0.0/19');
    app.synth();
    const json = readStacks(app.outdir)['acme-network']!;
    const subnets = findResources(json, 'aws_subnet', { tags: { 'loom.dev/tier': 'data' } });
    expect(subnets.map((s) => s.cidr_block)).toEqual(data.cidrs);
    const table = Object.entries(resources(json, 'aws_route_table')).find(([, t]) => (t.tags as Record<string, string>).Name === 'acme-data')!;
    // No aws_route on the data table: only the VPC's local route.
    expect(Object.values(resources(json, 'aws_route')).some((r) => String(r.route_table_id).includes(table[0]))).toBe(false);
  });
});

describe('GcpNetwork.privateServiceAccess', () => {
  it('allocates the data tier block to service producers and peers it, abandoned on destroy', () => {
    const app = newApp();
    const stack = new LoomStack(app, 'acme-network', { platform: { name: 'acme', cloud: 'gcp', region: 'us-central1', gcpProject: 'acme-ml' }, cloudProvider: true });
    const network = new GcpNetwork(stack, 'Network', {});
    const psa = network.privateServiceAccess();
    expect(psa.cidr).toBe('10.0.244.0/22');
    app.synth();
    const json = readStacks(app.outdir)['acme-network']!;
    expect(findResources(json, 'google_compute_global_address', { purpose: 'VPC_PEERING', address_type: 'INTERNAL', address: '10.0.244.0', prefix_length: 22 })).toHaveLength(1);
    expect(findResources(json, 'google_service_networking_connection', { service: 'servicenetworking.googleapis.com', deletion_policy: 'ABANDON' })).toHaveLength(1);
  });
});
