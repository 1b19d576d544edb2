/**
 * Maps come out in one canonical order: reordering keys in the spec (labels, node labels, machine
 * types, any mapping) never changes what is synthesized.
 */
import { describe, expect, it } from 'vitest';
import { parseSpecText, validateSpec } from '../../schema/load';
import { readFileSync } from 'node:fs';
import { synthSpec } from '../helpers/synth';

/** The same object with every mapping's keys in reverse order (lists untouched). */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reversed((value as Record<string, unknown>)[k])]));
  }
  return value;
}

describe('canonical order', () => {
  it('synthesizes byte-identical stacks from a spec whose keys are reordered', () => {
    const input = parseSpecText(readFileSync('examples/aws-platform.yaml', 'utf8')) as Record<string, any>;
    input.labels = { 'cost-center': 'ml', team: 'platform', owner: 'data' };
    input.clusters[0].nodePools[0].labels = { tier: 'web', zone: 'any', 'app-group': 'serving' };
    const a = validateSpec(input);
    const b = validateSpec(reversed(input));
    if (!a.ok || !b.ok) throw new Error('example does not validate');
    expect(JSON.stringify(b.spec)).toBe(JSON.stringify(a.spec));
    const sa = synthSpec(a.spec);
    const sb = synthSpec(b.spec);
    try {
      expect(Object.keys(sb.stacks).sort()).toEqual(Object.keys(sa.stacks).sort());
      for (const name of Object.keys(sa.stacks)) expect(JSON.stringify(sb.stacks[name]), name).toBe(JSON.stringify(sa.stacks[name]));
      // and the labels really are there, in sorted order
      const tags = JSON.stringify(sa.stacks['acme-network']);
      expect(tags.indexOf('"cost-center"')).toBeLessThan(tags.indexOf('"owner"'));
      expect(tags.indexOf('"owner"')).toBeLessThan(tags.indexOf('"team"'));
    } finally {
      sa.cleanup();
      sb.cleanup();
    }
  });
});
