/**
 * Reading synthesized Terraform JSON: attributes by path (blocks are objects or one-element lists,
 * as cdktf writes them), three-valued flags (a `${…}` reference is *set* but its value *unknown*),
 * references between resources, and Helm release values.
 */
import { parse as parseYaml } from 'yaml';
import type { SynthResource } from './types';

/** Whether a value is (or holds) a Terraform reference or expression that synth cannot resolve. */
export const isReference = (v: unknown): v is string => typeof v === 'string' && v.includes('${');

/** A plain object (not a list, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The attribute at `path` (`vpc_config.endpoint_public_access`): blocks written as one-element
 * lists are stepped into; numeric segments index lists. Undefined when absent.
 */
export function attr(values: unknown, path: string): unknown {
  let cur: unknown = values;
  for (const seg of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(seg)) {
        cur = cur[Number(seg)];
        continue;
      }
      cur = cur[0];
    }
    if (!isObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** Every value at `path`, fanning out over lists on the way (`ingress.cidr_blocks` of every ingress block). */
export function attrs(values: unknown, path: string): unknown[] {
  let cur: unknown[] = [values];
  for (const seg of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      for (const item of Array.isArray(c) ? c : [c]) {
        if (isObject(item) && item[seg] !== undefined) next.push(item[seg]);
      }
    }
    cur = next;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** A list attribute as a list (a single value becomes one element; absent, none). */
export function list(values: unknown, path: string): unknown[] {
  const v = attr(values, path);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Three-valued reading of a boolean attribute: true, false, undefined (absent) or `'unknown'` (a reference). */
export function flag(values: unknown, path: string): boolean | undefined | 'unknown' {
  const v = attr(values, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (isReference(v)) return 'unknown';
  return Boolean(v);
}

/** A string attribute, or `'unknown'` for a reference, or undefined. */
export function text(values: unknown, path: string): string | undefined | 'unknown' {
  const v = attr(values, path);
  if (v === undefined || v === null) return undefined;
  if (isReference(v)) return 'unknown';
  return typeof v === 'string' ? v : String(v);
}

/** A numeric attribute, or `'unknown'` for a reference, or undefined. */
export function num(values: unknown, path: string): number | undefined | 'unknown' {
  const v = attr(values, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (isReference(v)) return 'unknown';
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

/** A parsed `${type.name.attr…}` reference. */
export interface ParsedReference {
  /** The resource type (`data.<type>` for data sources). */
  readonly type: string;
  /** Its name. */
  readonly name: string;
  /** The attribute path after the name, if any. */
  readonly attribute?: string;
}

const REFERENCE = /\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([^}\s]*))?\}/;

/** The first resource reference in a string (`${aws_kms_key.Key_1234.arn}`), when it is one. */
export function parseReference(v: unknown): ParsedReference | undefined {
  if (typeof v !== 'string') return undefined;
  const m = REFERENCE.exec(v);
  if (!m) return undefined;
  return { type: `${m[1] ? 'data.' : ''}${m[2]}`, name: m[3]!, ...(m[4] ? { attribute: m[4] } : {}) };
}

/** Every `type.name` address a value references, anywhere inside it. */
export function referencedAddresses(value: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return;
      const re = /\$\{[^}]*?\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g;
      for (const m of v.matchAll(re)) out.add(`${m[1] ?? ''}${m[2]}.${m[3]}`);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/** A Helm release's values: its `values` documents merged, then `set` entries; `unknown` when a document cannot be read. */
export interface HelmValues {
  /** The merged values. */
  readonly values: Record<string, unknown>;
  /** A values document was not JSON or YAML (an expression): some values are unknown. */
  readonly unknown: boolean;
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (isObject(v) && isObject(into[k])) merge(into[k] as Record<string, unknown>, v);
    else into[k] = v;
  }
}

/** The values of a `helm_release` (see {@link HelmValues}), parsed once per release and shared: read them, never change them. */
export function helmValues(release: SynthResource): HelmValues {
  let parsed = valuesOf.get(release);
  if (!parsed) {
    parsed = parseHelmValues(release);
    valuesOf.set(release, parsed);
  }
  return parsed;
}
const valuesOf = new WeakMap<SynthResource, HelmValues>();

function parseHelmValues(release: SynthResource): HelmValues {
  const values: Record<string, unknown> = {};
  let unknown = false;
  for (const doc of list(release.values, 'values')) {
    if (typeof doc !== 'string') continue;
    if (/^\s*\$\{[^}]*\}\s*$/.test(doc)) {
      unknown = true;
      continue;
    }
    try {
      const parsed = doc.trimStart().startsWith('{') ? JSON.parse(doc) : parseYaml(doc);
      if (isObject(parsed)) merge(values, parsed);
    } catch {
      unknown = true;
    }
  }
  for (const s of [...list(release.values, 'set'), ...list(release.values, 'set_sensitive')]) {
    if (!isObject(s) || typeof s.name !== 'string') continue;
    const keys = s.name.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
    let cur = values;
    for (const k of keys.slice(0, -1)) {
      if (!isObject(cur[k])) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    cur[keys[keys.length - 1]!] = s.value;
  }
  return { values, unknown };
}

/** Whether a release is Loom's own resources chart (its values hold Kubernetes objects under `resources`). */
export const isLoomResourcesChart = (release: SynthResource): boolean => typeof release.values.chart === 'string' && /LoomResourcesChart/.test(release.values.chart);

/** The chart a release installs (`cert-manager`, a path for local charts). */
export const chartOf = (release: SynthResource): string => String(release.values.chart ?? '');
