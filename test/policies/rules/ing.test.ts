/**
 * The ING rules: per rule a non-compliant, a compliant, an attribute-omitted (the provider's
 * default) and an unresolved-reference fixture, asserting the exact findings.
 */
import { describe, expect, it } from 'vitest';
import { ING_001 } from '../../../policies/rules/ing/ing-001';
import { addresses, exampleStacks, fixtureStack, runRule } from '../helpers';

describe('LOOM-ING-001 the Kubernetes API endpoint is private or allow-listed', () => {
  const eks = (vpc_config: Record<string, unknown>) => fixtureStack('s', { aws_eks_cluster: { c: { name: 'c', vpc_config } } });
  const gke = (extra: Record<string, unknown>) => fixtureStack('s', { google_container_cluster: { c: { name: 'c', ...extra } } });

  it('fails a public EKS endpoint open to the world, and one without private access', () => {
    expect(addresses(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['0.0.0.0/0'] })))).toEqual(['aws_eks_cluster.c [PublicAccess]']);
    expect(addresses(runRule(ING_001, eks({ endpoint_private_access: false, endpoint_public_access: false })))).toEqual(['aws_eks_cluster.c [PrivateAccess]']);
  });

  it('passes a private EKS endpoint, and a public one allow-listed', () => {
    expect(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: false }))).toEqual([]);
    expect(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] }))).toEqual([]);
  });

  it('fails an EKS cluster that omits vpc_config access settings (the provider makes it public to 0.0.0.0/0, without private access)', () => {
    expect(addresses(runRule(ING_001, eks({ subnet_ids: ['a', 'b'] })))).toEqual(['aws_eks_cluster.c [PrivateAccess]', 'aws_eks_cluster.c [PublicAccess]']);
  });

  it('reports a reference as unknown, not as a pass', () => {
    expect(addresses(runRule(ING_001, eks({ endpoint_private_access: true, endpoint_public_access: '${var.public}' })))).toEqual(['aws_eks_cluster.c (unknown)']);
  });

  it('GKE: passes a private endpoint or authorized networks; fails none or 0.0.0.0/0; unknown for a reference', () => {
    expect(runRule(ING_001, gke({ private_cluster_config: { enable_private_endpoint: true } }))).toEqual([]);
    expect(runRule(ING_001, gke({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '10.100.0.0/16' }] } }))).toEqual([]);
    expect(addresses(runRule(ING_001, gke({})))).toEqual(['google_container_cluster.c [PublicEndpoint]']);
    expect(addresses(runRule(ING_001, gke({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '0.0.0.0/0' }] } })))).toEqual(['google_container_cluster.c [PublicEndpoint]']);
    expect(addresses(runRule(ING_001, gke({ private_cluster_config: { enable_private_endpoint: '${var.x}' } })))).toEqual(['google_container_cluster.c (unknown)']);
  });

  it('finds nothing in the examples (every Loom cluster endpoint is private)', () => {
    for (const f of ['aws-platform.yaml', 'gcp-platform.yaml']) expect(runRule(ING_001, exampleStacks(f).stacks), f).toEqual([]);
  });
});
