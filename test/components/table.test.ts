/**
 * The component table's build order: each component after the ones it uses, otherwise in table
 * order (monitoring first), and a cycle refused.
 */
import { describe, expect, it } from 'vitest';
import { buildOrder, PLATFORM_COMPONENTS } from '../../constructs/components/table';

const row = (name: string, uses: string[] = []) => ({ name, uses });

describe('buildOrder', () => {
  it('keeps the table order where nothing is used', () => {
    expect(buildOrder([row('a'), row('b'), row('c')]).map((d) => d.name)).toEqual(['a', 'b', 'c']);
  });

  it('builds what a component uses before it, and ignores what the platform lacks', () => {
    expect(buildOrder([row('serving', ['tracking', 'registry']), row('registry'), row('tracking', ['missing'])]).map((d) => d.name)).toEqual(['tracking', 'registry', 'serving']);
  });

  it('refuses a cycle', () => {
    expect(() => buildOrder([row('a', ['b']), row('b', ['a'])])).toThrow(/a uses itself through a → b|b uses itself/);
  });

  it("orders Loom's table with monitoring first and every component after what it uses", () => {
    const order = buildOrder(PLATFORM_COMPONENTS).map((d) => d.name);
    expect(order[0]).toBe('monitoring');
    for (const d of PLATFORM_COMPONENTS) for (const used of d.uses ?? []) expect(order.indexOf(used), `${d.name} uses ${used}`).toBeLessThan(order.indexOf(d.name));
  });
});
