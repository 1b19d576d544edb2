/** Did-you-mean only where an edit is likely a typo or an abbreviation. */
import { describe, expect, it } from 'vitest';
import { closest } from '../../schema/issues';
import { validateSpec } from '../../schema/load';

describe('closest', () => {
  it.each([
    ['prod', ['dev', 'staging', 'prod'], 'prod'],
    ['production', ['dev', 'staging', 'prod'], 'prod'],
    ['stagging', ['dev', 'staging', 'prod'], 'staging'],
    ['microservices', ['microservice', 'streaming', 'batch'], 'microservice'],
    ['streamng', ['microservice', 'streaming', 'batch'], 'streaming'],
    ['nodepools', ['nodePools', 'name'], 'nodePools'],
  ])('%s → %s', (input, candidates, expected) => {
    expect(closest(input, candidates)).toBe(expected);
  });

  it.each([
    ['1.24', ['1.32', '1.33', '1.34', '1.35']],
    ['1.3', ['1.33', '1.34']],
    ['x', ['a', 'b']],
    ['gpu', ['network', 'clusters']],
  ])('suggests nothing for %s', (input, candidates) => {
    expect(closest(input, candidates)).toBeUndefined();
  });
});

describe('in messages', () => {
  const spec = (over: Record<string, unknown>) => ({ name: 'acme', cloud: 'aws', region: 'us-east-1', clusters: [{ name: 'a', flavour: 'microservice', nodePools: [{ name: 'p', machineTypes: ['m7i.large'], maxNodes: 3 }] }], ...over });
  it("says 'prod' for environment: production", () => {
    const r = validateSpec(spec({ environment: 'production' }));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.errors.map((e) => e.message).join('\n')).toMatch(/did you mean 'prod'\?/);
  });
  it('does not offer another version for an unknown one', () => {
    const r = validateSpec(spec({ clusters: [{ name: 'a', flavour: 'microservice', kubernetesVersion: '1.24', nodePools: [{ name: 'p', machineTypes: ['m7i.large'], maxNodes: 3 }] }] }));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.errors.map((e) => e.message).join('\n')).not.toMatch(/did you mean/);
  });
});
