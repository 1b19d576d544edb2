/**
 * Every problem at once, even when the spec's shape is wrong: the parts that do not parse are set
 * aside — a bad optional value dropped (its default applies), a list item that cannot be repaired
 * left out — and the cross-field rules run on everything that remains. Their findings are mapped
 * back to the paths of the spec as written, and findings inside a part that was set aside are
 * dropped, since its shape problem is already reported.
 */
import type { z } from 'zod';
import { formatPath, type SpecIssue } from './issues';

type Seg = string | number;
type Path = readonly Seg[];
const TOMBSTONE = Symbol('set aside');

export interface Salvaged<T> {
  /** What parsed once the broken parts were set aside. */
  readonly data: T;
  /** Maps a path of `data` (as `<path>` text) to the same place in the spec as written. */
  readonly toOriginal: (path: string) => string;
  /** Whether a finding at this (original) path falls inside a part that was set aside or reported. */
  readonly covered: (path: string) => boolean;
  /** Names of list items set aside (e.g. clusters), so that findings that only miss them can be dropped. */
  readonly setAsideNames: readonly string[];
}

/** Parses `<path>` text back into segments: `clusters[1].nodePools[0].name` → ['clusters', 1, 'nodePools', 0, 'name']. */
export function parsePath(text: string): Seg[] {
  if (text === '(root)') return [];
  const out: Seg[] = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `work` without its tombstones, and a map from the filtered paths back to `work`'s indices. */
function withoutTombstones(work: unknown): { data: unknown; toOriginal: (p: Path) => Seg[] } {
  const maps = new Map<string, number[]>();
  const strip = (v: unknown, at: Seg[]): unknown => {
    if (Array.isArray(v)) {
      const kept: unknown[] = [];
      const index: number[] = [];
      v.forEach((item, i) => {
        if (item === TOMBSTONE) return;
        index.push(i);
        kept.push(strip(item, [...at, i]));
      });
      maps.set(formatPath(at), index);
      return kept;
    }
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x, [...at, k])]));
    return v;
  };
  const data = strip(work, []);
  const toOriginal = (p: Path): Seg[] => {
    const out: Seg[] = [];
    for (const seg of p) {
      if (typeof seg === 'number') {
        const index = maps.get(formatPath(out));
        out.push(index?.[seg] ?? seg);
      } else out.push(seg);
    }
    return out;
  };
  return { data, toOriginal };
}

function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Sets aside what is at `path` in `root`: a list item becomes a tombstone, an object key is deleted. */
function setAside(root: unknown, path: Path): boolean {
  if (!path.length) return false;
  const parent = getAt(root, path.slice(0, -1));
  const leaf = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof leaf === 'number' && leaf < parent.length && parent[leaf] !== TOMBSTONE) {
    parent[leaf] = TOMBSTONE;
    return true;
  }
  if (isObject(parent) && typeof leaf === 'string' && leaf in parent) {
    delete parent[leaf];
    return true;
  }
  return false;
}

/**
 * Repairs `input` until `schema` accepts it, by setting aside the parts its issues point at
 * (escalating to the enclosing list item when dropping a value is not enough), or gives up
 * (undefined) when what is left cannot make a spec — `required` top-level keys missing.
 */
export function salvage<S extends z.ZodType>(schema: S, input: unknown, required: Readonly<Record<string, unknown>> = {}): Salvaged<z.infer<S>> | undefined {
  if (!isObject(input)) return undefined;
  const work = structuredClone(input) as Record<string, unknown>;
  const reported: string[] = [];
  // Lists an item was taken out of: a finding about the list itself (too short, …) is about the
  // repair, not the spec.
  const shortened = new Set<string>();
  const tried = new Set<string>();
  const names: string[] = [];
  for (let round = 0; round < 12; round++) {
    const { data, toOriginal } = withoutTombstones(work);
    const parsed = schema.safeParse(data);
    if (parsed.success) {
      const covered = (p: string) => shortened.has(p) || reported.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`));
      return { data: parsed.data, toOriginal: (p) => formatPath(toOriginal(parsePath(p))), covered, setAsideNames: names };
    }
    let progressed = false;
    for (const issue of parsed.error.issues) {
      const path = toOriginal(issue.path as Seg[]);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          progressed = setAside(work, [...path, key]) || progressed;
          reported.push(formatPath([...path, key]));
        }
        continue;
      }
      reported.push(formatPath(path));
      // First drop the value itself (an optional key falls back to its default); if that was
      // tried, or the key is missing, set aside the nearest list item around it.
      const key = formatPath(path);
      if (!tried.has(key) && getAt(work, path) !== undefined && !(path.length === 1 && path[0]! in required)) {
        tried.add(key);
        if (setAside(work, path)) {
          // Its siblings are judged against the stand-in default now (an S3 state without its
          // broken endpoint is AWS S3): findings about the same object are not about the spec.
          if (path.length > 1) reported.push(formatPath(path.slice(0, -1)));
          progressed = true;
          continue;
        }
      }
      for (let n = path.length - 1; n > 0; n--) {
        if (typeof path[n] !== 'number') continue;
        const item = getAt(work, path.slice(0, n + 1));
        if (isObject(item) && typeof item.name === 'string') names.push(item.name);
        if (setAside(work, path.slice(0, n + 1))) {
          reported.push(formatPath(path.slice(0, n + 1)));
          shortened.add(formatPath(path.slice(0, n)));
          progressed = true;
        }
        break;
      }
      // A required top-level key that is broken: stand in a neutral value if one is given.
      const top = path[0];
      if (typeof top === 'string' && top in required && !tried.has(`required:${top}`)) {
        tried.add(`required:${top}`);
        work[top] = required[top];
        progressed = true;
      }
    }
    if (!progressed) return undefined;
  }
  return undefined;
}

/** Keeps rule findings that are about parts that parsed, at the paths of the spec as written. */
export function salvagedFindings<T>(s: Salvaged<T>, findings: readonly SpecIssue[]): SpecIssue[] {
  return findings
    .map((f) => ({ ...f, path: s.toOriginal(f.path) }))
    .filter((f) => !s.covered(f.path))
    .filter((f) => !s.setAsideNames.some((name) => f.message.includes(`'${name}'`)));
}
