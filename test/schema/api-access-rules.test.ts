/**
 * Rules added for the apply-time review (issue 7): where the EKS API is reached from (B1), one
 * node shape per cluster-autoscaler pool (m2), and the names of per-zone node groups (M6).
 */
import { describe, expect, it } from 'vitest';
import { awsSpec, errorsAt, issue, k8sSpec, onlyError, valid } from './fixtures';

const NO_ACCESS = /the API endpoint of '(\w+)' is private and no network may reach it/;

describe('endpoint.privateAccessCidrs', () => {
  it('defaults to none', () => {
    const spec = awsSpec();
    delete spec.clusters[0].endpoint;
    expect(valid(spec).spec.clusters[0]!.endpoint).toEqual({ publicAccessCidrs: [], privateAccessCidrs: [] });
  });

  it('takes CIDRs of networks routed into the VPC', () => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = { privateAccessCidrs: ['10.100.0.0/16', '100.64.0.0/10', '192.168.8.0/24'] };
    expect(valid(spec).warnings).toEqual([]);
  });

  it('rejects a malformed CIDR or one with host bits, naming the entry', () => {
    const spec = awsSpec();
    spec.clusters[1].endpoint = { privateAccessCidrs: ['10.100.0.0/16', '10.100.0.1/16', 'vpn'] };
    expect(errorsAt(spec, 'clusters[1].endpoint.privateAccessCidrs[1]')).toEqual([expect.stringContaining('the network address is 10.100.0.0/16')]);
    expect(errorsAt(spec, 'clusters[1].endpoint.privateAccessCidrs[2]')).toEqual([expect.stringContaining("must be an IPv4 CIDR such as 10.0.0.0/16, got 'vpn'")]);
  });

  it('rejects 0.0.0.0/0', () => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = { privateAccessCidrs: ['0.0.0.0/0'] };
    expect(onlyError(spec)).toEqual(issue('clusters[0].endpoint.privateAccessCidrs[0]', 'must not open the API endpoint to every address'));
  });

  it('has no meaning on existing clusters', () => {
    const spec = k8sSpec();
    spec.clusters[0].endpoint = { privateAccessCidrs: ['10.100.0.0/16'] };
    expect(onlyError(spec)).toEqual(issue('clusters[0].endpoint', 'has no meaning with cloud: kubernetes'));
  });

  it('warns when an EKS API is reachable from neither a public nor a private-access CIDR, saying where to run the add-ons stack', () => {
    const spec = awsSpec();
    spec.clusters[0].endpoint = {};
    spec.clusters[2].endpoint = { publicAccessCidrs: ['203.0.113.0/24'] };
    const warnings = valid(spec).warnings;
    expect(warnings).toEqual([issue('clusters[0].endpoint', NO_ACCESS)]);
    expect(warnings[0]!.message).toContain("'apps'");
    expect(warnings[0]!.message).toContain("run the add-ons stack from inside the cluster's VPC");
    expect(warnings[0]!.message).toContain('privateAccessCidrs');
  });
});

describe('machine types of cluster-autoscaler pools (one node shape per pool)', () => {
  it('warns when a pool mixes vCPU/memory shapes, naming them', () => {
    const spec = awsSpec();
    spec.clusters[0].nodePools[0].machineTypes = ['m7i.large', 'm7i.xlarge'];
    expect(valid(spec).warnings).toEqual([issue('clusters[0].nodePools[0].machineTypes', /mixes node shapes \(2 vCPU\/8 GiB, 4 vCPU\/16 GiB\).*karpenter/)]);
  });

  it('is quiet for several types of one shape, and under Karpenter', () => {
    const same = awsSpec();
    same.clusters[0].nodePools[0].machineTypes = ['m7i.xlarge', 'm6i.xlarge'];
    expect(valid(same).warnings).toEqual([]);
    const karpenter = awsSpec();
    karpenter.clusters[0].autoscaler = 'karpenter';
    karpenter.clusters[0].nodePools[0].machineTypes = ['m7i.large', 'm7i.xlarge'];
    expect(valid(karpenter).warnings).toEqual([]);
  });
});

describe('per-zone node group names of streaming pools', () => {
  it('counts the zone suffix against the 63-character limit', () => {
    // acme-<25>-<32> is 63 characters: one node group fits, '<name>-a' (65) does not.
    const spec = awsSpec();
    spec.clusters[0].name = 'a'.repeat(25);
    spec.clusters[0].nodePools[0].name = 'p'.repeat(32);
    spec.clusters[1].name = 'e'.repeat(25);
    spec.clusters[1].nodePools[0].name = 'b'.repeat(32);
    expect(onlyError(spec)).toEqual(
      issue('clusters[1].nodePools[0].name', `derived node group name 'acme-${'e'.repeat(25)}-${'b'.repeat(32)}-a' is 65 characters, over the limit of 63`),
    );
  });
});
