/**
 * B1: how Terraform and people reach a private EKS API. `endpoint.privateAccessCidrs` opens 443
 * on the security group EKS creates for the cluster, one rule per CIDR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResource, findResources, resources, synthSpec, type Synthesized } from '../helpers/synth';
import { awsSpec } from './fixtures';

describe('private API access (endpoint.privateAccessCidrs)', () => {
  let out: Synthesized;
  beforeAll(() => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = { privateAccessCidrs: ['10.100.0.0/16', '192.168.8.0/24'] };
    out = synthSpec(spec);
  });
  afterAll(() => out.cleanup());

  it('admits each listed CIDR on 443 to the cluster security group EKS created', () => {
    const apps = out.stacks['acme-cluster-apps']!;
    const rules = findResources(apps, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => r.cidr_ipv4).sort()).toEqual(['10.100.0.0/16', '192.168.8.0/24']);
    for (const r of rules) {
      expect(r).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
      expect(r.security_group_id).toMatch(/^\$\{aws_eks_cluster\.\w+\.vpc_config\[0\]\.cluster_security_group_id\}$/);
    }
    // The endpoint itself stays private.
    expect(findResource(apps, 'aws_eks_cluster').vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
  });

  it('adds no rule to clusters that list no CIDR', () => {
    expect(resources(out.stacks['acme-cluster-events']!, 'aws_vpc_security_group_ingress_rule')).toEqual({});
  });

  it('names each rule after its CIDR, so that reordering the list changes no address', () => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = { privateAccessCidrs: ['192.168.8.0/24', '10.100.0.0/16'] };
    const reordered = synthSpec(spec);
    try {
      const names = (o: Synthesized) => Object.keys(resources(o.stacks['acme-cluster-apps']!, 'aws_vpc_security_group_ingress_rule')).sort();
      expect(names(reordered)).toEqual(names(out));
      expect(names(out).join(' ')).toContain('Cidr-10-100-0-0-16');
    } finally {
      reordered.cleanup();
    }
  });

  it('carries the CIDRs in the plan for every cloud to use', async () => {
    const { resolvePlan } = await import('../../plan');
    const { specFrom } = await import('../helpers/synth');
    const spec = awsSpec();
    spec.clusters[1].endpoint = { privateAccessCidrs: ['10.100.0.0/16'] };
    const plan = resolvePlan(specFrom(spec));
    expect(plan.clusters.map((c) => c.privateAccessCidrs)).toEqual([[], ['10.100.0.0/16'], []]);
  });
});
