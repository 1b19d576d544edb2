import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResource, findResources, resources, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from './fixtures';

describe('AwsNetwork', () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synthSpec(awsSpec());
  });
  afterAll(() => out.cleanup());
  const net = () => out.stacks['acme-network']!;

  it('creates a VPC with DNS support over the planned CIDR', () => {
    expect(findResource(net(), 'aws_vpc')).toMatchObject({ cidr_block: '10.0.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
  });

  it('lays public subnets across the zones at the top of the range, tagged for internet-facing load balancers', () => {
    const pub = findResources(net(), 'aws_subnet', { tags: { 'loom.dev/tier': 'public' } });
    expect(pub.map((s) => [s.availability_zone, s.cidr_block])).toEqual([
      ['us-east-1a', '10.0.248.0/24'],
      ['us-east-1b', '10.0.249.0/24'],
      ['us-east-1c', '10.0.250.0/24'],
    ]);
    for (const s of pub) {
      expect(s.map_public_ip_on_launch).toBe(false);
      expect((s.tags as Record<string, string>)['kubernetes.io/role/elb']).toBe('1');
    }
  });

  it('gives every cluster private node subnets in every zone, tagged for internal load balancers and autoscaler discovery', () => {
    const training = findResources(net(), 'aws_subnet', { tags: { 'loom.dev/cluster': 'training' } });
    expect(training).toHaveLength(3);
    expect(training.map((s) => s.cidr_block)).toEqual(['10.0.64.0/21', '10.0.72.0/21', '10.0.80.0/21']);
    for (const s of training) {
      expect(s.tags).toMatchObject({
        'kubernetes.io/role/internal-elb': '1',
        'kubernetes.io/cluster/acme-training': 'shared',
        'karpenter.sh/discovery': 'acme-training',
      });
    }
  });

  it('routes each zone through its own NAT gateway when natGateways is per-zone', () => {
    expect(Object.keys(resources(net(), 'aws_nat_gateway'))).toHaveLength(3);
    const privateRoutes = findResources(net(), 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(privateRoutes.map((r) => r.nat_gateway_id)).size).toBe(3);
  });

  it('uses one NAT gateway when natGateways is single', () => {
    const spec = awsSpec();
    spec.network.natGateways = 'single';
    const single = synthSpec(spec);
    try {
      const stack = single.stacks['acme-network']!;
      expect(Object.keys(resources(stack, 'aws_nat_gateway'))).toHaveLength(1);
      expect(Object.keys(resources(stack, 'aws_eip'))).toHaveLength(1);
      const natRoutes = findResources(stack, 'aws_route').filter((r) => r.nat_gateway_id);
      expect(natRoutes).toHaveLength(3);
      expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
    } finally {
      single.cleanup();
    }
  });

  it('sends the internet route of public subnets to the internet gateway', () => {
    const igwRoutes = findResources(net(), 'aws_route').filter((r) => r.gateway_id);
    expect(igwRoutes).toHaveLength(1);
    expect(igwRoutes[0]).toMatchObject({ destination_cidr_block: '0.0.0.0/0' });
    expect(String(igwRoutes[0]!.gateway_id)).toContain('aws_internet_gateway.');
  });

  it('keeps VPC flow logs of all traffic for the planned retention', () => {
    expect(findResource(net(), 'aws_flow_log')).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(findResource(net(), 'aws_cloudwatch_log_group')).toMatchObject({ retention_in_days: 90 });
  });

  it('locks down the default security group', () => {
    const sg = findResource(net(), 'aws_default_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it("tags every resource with the platform's labels through the provider's default tags", () => {
    const provider = net().provider!.aws![0]!;
    expect(provider).toMatchObject({
      region: 'us-east-1',
      default_tags: [{ tags: { 'cost-center': 'ml', 'loom-platform': 'acme', 'loom-environment': 'prod', 'managed-by': 'loom' } }],
    });
  });

  it('keeps every existing subnet address and Terraform name when a cluster is appended', () => {
    const spec = awsSpec();
    spec.clusters.push({ name: 'extra', flavour: 'microservice', nodePools: [{ name: 'p', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 3 }] });
    const grown = synthSpec(spec);
    try {
      const before = resources(net(), 'aws_subnet');
      const after = resources(grown.stacks['acme-network']!, 'aws_subnet');
      for (const [name, subnet] of Object.entries(before)) {
        expect(after[name]?.cidr_block, name).toBe(subnet.cidr_block);
      }
      expect(Object.keys(after).length).toBe(Object.keys(before).length + 3);
    } finally {
      grown.cleanup();
    }
  });
});
