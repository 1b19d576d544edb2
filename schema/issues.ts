/**
 * Problems found in a spec, and how they are formatted for people: `<path>: <message>`, one per
 * line, sorted by path, with the fix in the message.
 */
import { distance } from 'fastest-levenshtein';

/** One step of a spec path: a key, or an index into a list. */
export type PathSegment = string | number;

/** One problem (or warning) at one place in the spec. */
export interface SpecIssue {
  /** Where, as `clusters[1].nodePools[0].maxNodes` (`(root)` for the spec itself). */
  readonly path: string;
  /** What is wrong and how to fix it, e.g. `must be >= minNodes (3), got 2`. */
  readonly message: string;
}

/** Renders `['clusters', 1, 'nodePools', 0, 'maxNodes']` as `clusters[1].nodePools[0].maxNodes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Digits and dots only: a version or a number, where a different digit is a different value, not a typo. */
const NUMERIC = /^[0-9.]+$/;

/**
 * The candidate `input` was most likely meant to be, or nothing when no candidate is a plausible
 * typo or abbreviation of it:
 *
 * - an abbreviation or extension (`prod` for `production`, `microservices` for `microservice`): one
 *   is a prefix of the other, at least three characters long;
 * - a typo: a small edit distance for the input's length (`strem` for `stream`), never for numbers
 *   (`1.24` is not a typo of `1.34`, it names another version).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  if (NUMERIC.test(needle)) return undefined;
  const prefixed = candidates
    .filter((c) => {
      const hay = c.toLowerCase();
      return !NUMERIC.test(hay) && Math.min(hay.length, needle.length) >= 3 && (hay.startsWith(needle) || needle.startsWith(hay));
    })
    .sort((a, b) => Math.abs(a.length - needle.length) - Math.abs(b.length - needle.length));
  if (prefixed.length) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (NUMERIC.test(c)) continue;
    const d = distance(needle, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Short inputs need a closer match: 'x' is not a typo of 'a'.
  const threshold = Math.max(1, Math.floor(input.length / 3));
  return best !== undefined && bestDistance <= threshold && bestDistance < input.length ? best : undefined;
}

/** `; did you mean 'x'?` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const hit = closest(input, candidates);
  return hit ? `; did you mean '${hit}'?` : '';
}

/** Sorts issues by path (numerically inside brackets), then message; drops exact duplicates. */
export function sortIssues(issues: readonly SpecIssue[]): SpecIssue[] {
  const key = (p: string) => p.replace(/\[(\d+)\]/g, (_, n: string) => `[${n.padStart(6, '0')}]`);
  const seen = new Set<string>();
  return [...issues]
    .sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : a.message.localeCompare(b.message)))
    .filter((i) => {
      const k = `${i.path}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

/** One line per issue, as the CLI prints them. */
export function formatIssues(issues: readonly SpecIssue[]): string {
  return sortIssues(issues)
    .map((i) => `${i.path}: ${i.message}`)
    .join('\n');
}

/** Thrown when a spec does not validate; carries every problem at once. */
export class SpecValidationError extends Error {
  constructor(
    /** Every problem found. */
    readonly issues: readonly SpecIssue[],
    /** What was validated (the file name, `<stdin>`, a construct path), named in the message. */
    readonly source = 'platform spec',
  ) {
    super(`${source} is not valid:\n${formatIssues(issues)}`);
    this.name = 'SpecValidationError';
  }
}
