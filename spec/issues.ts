/**
 * Problems found in a spec, and how they are formatted for people: `<path>: <message>`, one per
 * line, sorted by path, with the fix in the message.
 */
import { distance } from 'fastest-levenshtein';

export type PathSegment = string | number;

/** One problem (or warning) at one place in the spec. */
export interface SpecIssue {
  readonly path: string;
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

/** The candidate closest to `input`, when it is close enough to be a plausible typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const needle = input.toLowerCase();
  for (const c of candidates) {
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
    readonly issues: readonly SpecIssue[],
    readonly source = 'platform spec',
  ) {
    super(`${source} is not valid:\n${formatIssues(issues)}`);
    this.name = 'SpecValidationError';
  }
}
