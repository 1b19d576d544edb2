/**
 * Shared by the NET and PEER rules: IPv4 CIDRs as number ranges (parsed with ipaddr.js, as
 * plan/addresses.ts does), containment and overlap, an O(n log n) sweep for overlapping pairs, and
 * following lists of references (subnet ids, across stacks) to the resources they name.
 */
import ipaddr from 'ipaddr.js';
import type { RuleContext, SynthResource, SynthStack } from '../../types';
import { isReference } from '../../values';

/** An IPv4 CIDR as the first and last address it holds. */
export interface Range {
  /** The CIDR as written. */
  readonly cidr: string;
  /** First address, as a number. */
  readonly start: number;
  /** Last address, as a number. */
  readonly end: number;
  /** The prefix length. */
  readonly prefix: number;
}

/**
 * An IPv4 CIDR (`10.0.0.0/16`) as a {@link Range}; undefined when it is not one (IPv6, a
 * reference, a bare address, host bits set — Terraform's AWS and Google providers reject those).
 */
export function v4(cidr: unknown): Range | undefined {
  if (typeof cidr !== 'string' || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) return undefined;
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const start = addr.octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) return undefined;
  return { cidr, start, end: start + size - 1, prefix };
}

/** A range that is known to parse (for constants). */
const must = (cidr: string): Range => v4(cidr)!;

/** RFC 1918's private blocks. */
export const RFC1918: readonly Range[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(must);
/** RFC 6598's shared address space (carrier-grade NAT), 100.64.0.0/10. */
export const CGNAT: Range = must('100.64.0.0/10');

/** The number of addresses in a range. */
export const sizeOf = (r: Range): number => r.end - r.start + 1;
/** Whether `inner` lies wholly inside `outer`. */
export const within = (inner: Range, outer: Range): boolean => inner.start >= outer.start && inner.end <= outer.end;
/** Whether two ranges share an address. */
export const overlaps = (a: Range, b: Range): boolean => a.start <= b.end && b.start <= a.end;
/** Whether a range is inside RFC 1918. */
export const isRfc1918 = (r: Range): boolean => RFC1918.some((p) => within(r, p));

/**
 * Calls `visit` for every pair of items whose ranges overlap: sorted by first address, each item
 * is compared only with those that start before it ends — O(n log n + overlapping pairs).
 * In each pair, `a` starts first (or is the wider one of two that start together).
 */
export function overlappingPairs<T extends { readonly range: Range }>(items: readonly T[], visit: (a: T, b: T) => void): void {
  const sorted = [...items].sort((x, y) => x.range.start - y.range.start || y.range.end - x.range.end);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.range.start <= a.range.end; j++) visit(a, sorted[j]!);
  }
}

/** What a list of references led to: the resources found, and how many values could not be followed. */
export interface Followed {
  /** The resources the values reference (of the wanted type). */
  readonly resources: SynthResource[];
  /** Values that could not be followed (literal ids, expressions, references outside the synth). */
  readonly unresolved: unknown[];
}

/** Follows each value of `values` (a list of `${…}` references, cross-stack ones included) to a resource of `type`. */
export function follow(ctx: RuleContext, from: SynthResource | SynthStack, values: readonly unknown[], type: string): Followed {
  const resources: SynthResource[] = [];
  const unresolved: unknown[] = [];
  for (const v of values) {
    const r = isReference(v) ? ctx.resolve(from, v) : undefined;
    if (r && r.type === type) resources.push(r);
    else unresolved.push(v);
  }
  return { resources, unresolved };
}

/** A resource's identity across stacks (`<stack> <address>`), as a map key. */
export const keyOf = (r: SynthResource): string => `${r.stack} ${r.address}`;
