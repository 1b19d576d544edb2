/**
 * Every problem at once: a shape error in one part of the spec does not hide a cross-field problem
 * in another.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../schema/load';
import { parsePath } from '../../schema/salvage';

const pool = (over: Record<string, unknown> = {}) => ({ name: 'general', machineTypes: ['m7i.large'], minNodes: 2, maxNodes: 4, ...over });
const base = (over: Record<string, unknown> = {}) => ({
  name: 'acme',
  cloud: 'aws',
  region: 'us-east-1',
  clusters: [
    { name: 'apps', flavour: 'microservice', nodePools: [pool()] },
    { name: 'jobs', flavour: 'batch', nodePools: [pool({ name: 'cpu', machineTypes: ['c7i.2xlarge'], minNodes: 0 })] },
  ],
  ...over,
});
const problems = (input: unknown) => {
  const r = validateSpec(input);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('every problem at once', () => {
  it('reports a duplicate cluster name beside a shape error in another cluster', () => {
    const spec = base();
    spec.clusters = [
      { name: 'apps', flavour: 'microservice', nodePools: [pool()] },
      { name: 'apps', flavour: 'microservice', nodePools: [pool()] },
      { name: 'jobs', flavour: 'batchh', nodePools: [pool()] },
    ];
    const out = problems(spec);
    expect(out.some((p) => p.startsWith('clusters[2].flavour: must be one of'))).toBe(true);
    expect(out.some((p) => /^clusters\[1\]\.name: .*duplicate|^clusters\[1\]\.name: .*'apps'/.test(p))).toBe(true);
  });

  it('reports maxNodes < minNodes in one pool beside a wrong type in another cluster, at the original indices', () => {
    const spec = base();
    spec.clusters = [
      { name: 'apps', flavour: 'microservice', nodePools: [pool({ maxNodes: 'ten' })] },
      { name: 'jobs', flavour: 'batch', nodePools: [pool({ name: 'cpu', machineTypes: ['c7i.2xlarge'], minNodes: 5, maxNodes: 2 })] },
    ];
    const out = problems(spec);
    expect(out.some((p) => p.startsWith('clusters[0].nodePools[0].maxNodes: must be'))).toBe(true);
    expect(out.some((p) => p.startsWith('clusters[1].nodePools[0].maxNodes:') && /minNodes/.test(p))).toBe(true);
  });

  it('still checks the CIDR when an unknown key sits at the top', () => {
    const out = problems(base({ colour: 'blue', network: { cidr: '300.0.0.0/16' } }));
    expect(out.some((p) => p.startsWith('colour: unknown key'))).toBe(true);
    expect(out.some((p) => p.startsWith('network.cidr:'))).toBe(true);
  });

  it('does not repeat, inside a part with a shape error, what the rules would say about it', () => {
    const spec = base();
    spec.clusters = [{ name: 'Apps!', flavour: 'microservice', nodePools: [pool()] }];
    const out = problems(spec);
    expect(out.filter((p) => p.startsWith('clusters[0].name'))).toHaveLength(1);
  });

  it('parses paths back into segments', () => {
    expect(parsePath('clusters[1].nodePools[0].maxNodes')).toEqual(['clusters', 1, 'nodePools', 0, 'maxNodes']);
    expect(parsePath('(root)')).toEqual([]);
  });
});
