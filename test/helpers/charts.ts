/**
 * Test helpers that check what Loom writes against stored upstream ground truth:
 * Helm chart default values / values schemas and CustomResourceDefinition schemas.
 *
 * Data lives in `<repoRoot>/../shared` (override with env `LOOM_SHARED_DIR`), see
 * `shared/charts/README.md` for its layout and caveats.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml, parseDocument } from 'yaml';

type AjvInstance = InstanceType<typeof Ajv>;

interface ChartDependency {
  name: string;
  alias?: string;
  version: string;
  repository?: string;
  condition?: string;
}

interface ChartJson {
  chart?: string;
  version?: string;
  dependencies?: ChartDependency[];
}

/** A chart (or subchart) whose files are stored under `dir`. */
interface StoredChart {
  label: string;
  dir: string;
}

interface CrdIndexEntry {
  file: string;
  group: string;
  kind: string;
  name: string;
  scope: string;
  storageVersion: string;
  servedVersions: string[];
}

/* ------------------------------------------------------------------ paths */

/** Repository root (this file lives in `<root>/test/helpers`). */
const repoRoot = path.resolve(__dirname, '..', '..');

/** Directory with the shared ground-truth data (`$LOOM_SHARED_DIR` or `<repoRoot>/../shared`). */
export function sharedDir(): string {
  const override = process.env.LOOM_SHARED_DIR;
  return override && override.trim() !== '' ? path.resolve(override) : path.resolve(repoRoot, '..', 'shared');
}

function chartsRoot(): string {
  return path.join(sharedDir(), 'charts');
}

function storedChart(chart: string, version: string): StoredChart {
  const dir = path.join(chartsRoot(), chart, version);
  if (!fs.existsSync(path.join(dir, 'values.yaml'))) {
    const versionsDir = path.join(chartsRoot(), chart);
    const have = fs.existsSync(versionsDir) ? fs.readdirSync(versionsDir).join(', ') : 'none';
    throw new Error(`No stored values.yaml for chart ${chart} ${version} under ${chartsRoot()} (stored versions: ${have})`);
  }
  return { label: `${chart}@${version}`, dir };
}

/* ------------------------------------------------------------------ yaml / json */

const fileCache = new Map<string, unknown>();

function cached<T>(key: string, load: () => T): T {
  if (!fileCache.has(key)) fileCache.set(key, load());
  return fileCache.get(key) as T;
}

/**
 * Parses YAML like Helm does (go-yaml, YAML 1.1: `yes` is true, `0644` is octal, `<<` merge keys),
 * but keeps dates as strings, as Helm's values do.
 */
function parseHelmYaml(text: string): unknown {
  return parseYaml(text, {
    version: '1.1',
    merge: true,
    maxAliasCount: -1,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
}

function readYamlFile(file: string): unknown {
  return cached(`yaml:${file}`, () => parseHelmYaml(fs.readFileSync(file, 'utf8')));
}

function readJsonFile<T>(file: string): T {
  return cached(`json:${file}`, () => JSON.parse(fs.readFileSync(file, 'utf8')) as T);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/* ------------------------------------------------------------------ chart defaults */

function defaultsOf(src: StoredChart): Record<string, unknown> {
  const parsed = readYamlFile(path.join(src.dir, 'values.yaml'));
  return isPlainObject(parsed) ? parsed : {};
}

/** Parsed default `values.yaml` of a stored chart version (an empty file gives `{}`). */
export function chartDefaults(chart: string, version: string): unknown {
  return clone(defaultsOf(storedChart(chart, version)));
}

function chartJsonOf(src: StoredChart): ChartJson {
  const file = path.join(src.dir, 'chart.json');
  return fs.existsSync(file) ? readJsonFile<ChartJson>(file) : {};
}

/** Compares dotted numeric versions (leading `v` ignored). */
function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/);
  const pb = b.replace(/^v/, '').split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number(pa[i] ?? 0);
    const y = Number(pb[i] ?? 0);
    if (Number.isNaN(x) || Number.isNaN(y)) return String(pa[i] ?? '').localeCompare(String(pb[i] ?? ''));
    if (x !== y) return x - y;
  }
  return 0;
}

/**
 * Where the values of a dependency are stored: `subcharts/<name>` inside the parent, or the sibling
 * `charts/<name>/<version>` (a `*` wildcard version picks the highest stored match).
 * Returns undefined when the dependency's values were not collected.
 */
function resolveDependency(parent: StoredChart, dep: ChartDependency): StoredChart | undefined {
  const bundled = path.join(parent.dir, 'subcharts', dep.name);
  if (fs.existsSync(path.join(bundled, 'values.yaml'))) return { label: `${parent.label}/${dep.name}`, dir: bundled };
  const base = path.join(chartsRoot(), dep.name);
  if (!fs.existsSync(base)) return undefined;
  const stored = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'values.yaml')));
  let version: string | undefined;
  if (stored.includes(dep.version)) {
    version = dep.version;
  } else if (dep.version.includes('*') || dep.version.toLowerCase().includes('x')) {
    const re = new RegExp(`^v?${dep.version.replace(/^v/, '').replace(/\./g, '\\.').replace(/\*|[xX]/g, '[^.]+')}$`);
    version = stored.filter((v) => re.test(v)).sort(compareVersions).pop();
  }
  return version === undefined ? undefined : { label: `${dep.name}@${version}`, dir: path.join(base, version) };
}

function dependenciesOf(src: StoredChart): Array<{ key: string; dep: ChartDependency; stored: StoredChart | undefined }> {
  return (chartJsonOf(src).dependencies ?? []).map((dep) => ({
    key: dep.alias ?? dep.name,
    dep,
    stored: resolveDependency(src, dep),
  }));
}

/** Deep merge like Helm's coalescing: `over` wins, maps merge, `null` in `over` deletes the key. */
function coalesce(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? clone(base) : clone(over);
  const out: Record<string, unknown> = clone(base);
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = k in out ? coalesce(out[k], v) : clone(v);
  }
  return out;
}

/**
 * Union of two known-key trees, keeping the more permissive reading: `null` (any shape) wins, maps
 * merge key by key, otherwise `over` wins. With `emptyIsFreeForm`, a `{}` on either side (a free-form
 * map in that chart's templates) stays `{}`; without it, `{}` just contributes no keys.
 */
function mergeKnown(base: unknown, over: unknown, emptyIsFreeForm = true): unknown {
  if (over === undefined) return base;
  if (base === undefined) return over;
  if (base === null || over === null) return null;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const anyEmpty = Object.keys(base).length === 0 || Object.keys(over).length === 0;
  if (anyEmpty && emptyIsFreeForm) return {};
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeKnown(out[k], v, emptyIsFreeForm);
  return out;
}

/**
 * Union of the known `global` keys of a chart and all its stored (sub)dependencies
 * (`null` when some chart declares `global:` with a null value, i.e. anything goes).
 */
function collectGlobals(src: StoredChart, includeCommented: boolean, seen = new Set<string>()): Record<string, unknown> | null {
  if (seen.has(src.dir)) return {};
  seen.add(src.dir);
  let out: unknown = {};
  for (const { stored } of dependenciesOf(src)) if (stored) out = mergeKnown(out, collectGlobals(stored, includeCommented, seen), false);
  const own = knownKeysOf(src, includeCommented).global;
  if (own === null || isPlainObject(own)) out = mergeKnown(out, own, false);
  return out === null ? null : isPlainObject(out) ? out : {};
}

/* ------------------------------------------------------------------ unknown keys */

/** Keys accepted from commented-out YAML: lower camelCase-ish names, not YAML booleans / null. */
const COMMENTED_KEY = /^[a-z][A-Za-z0-9_.-]*$/;
const YAML_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n', 'ref']); // `# ref: <url>` is prose

/** Parses a YAML fragment, returning undefined instead of throwing. */
function tryParseFragment(text: string): unknown {
  try {
    const doc = parseDocument(text, { version: '1.1', merge: true });
    return doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: -1 });
  } catch {
    return undefined;
  }
}

/**
 * Keys that a values.yaml documents as commented-out YAML, e.g. grafana's `# adminPassword: x` or
 * `  #  annotations:` under `serviceAccount`. A run of consecutive single-`#` lines sharing the `#`
 * column is un-commented and parsed as YAML chunk by chunk (so prose lines drop out); the mapping
 * keys found become siblings of the real keys at that column, or children of the real key on the
 * line just above when that key's value is empty (`resources: {}` followed by `# limits:`).
 * Ignored: `##` lines (prose by convention), keys that are not lower camelCase, a key repeating
 * its parent's name (whole-values examples), block-scalar content and anything inside list items.
 */
function commentedOutKeys(text: string): Record<string, unknown> {
  const lines = text.split(/\r?\n/);
  const root: Record<string, unknown> = {};
  const stack: Array<{ indent: number; key: string | null }> = [];
  const indentOf = (l: string): number => l.length - l.trimStart().length;
  const keyLine = /^("[^"]*"|'[^']*'|[^\s#"'-][^:#]*?|-[^\s:#][^:#]*?)\s*:(\s|$)/;
  let previous: { indent: number; emptyValue: boolean } | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const comment = /^(\s*)#(?!#)/.exec(line);
    if (comment) {
      const col = comment[1]?.length ?? 0;
      const bodies: string[] = [];
      while (i < lines.length) {
        const m = /^(\s*)#(?!#)(.*)$/.exec(lines[i] ?? '');
        if (!m || (m[1]?.length ?? 0) !== col) break;
        bodies.push(m[2] ?? '');
        i++;
      }
      const nonEmpty = bodies.filter((b) => b.trim() !== '');
      const strip = nonEmpty.length === 0 ? 0 : Math.min(...nonEmpty.map(indentOf));
      const chunks: string[][] = [];
      for (const b of bodies) {
        const t = b.slice(Math.min(strip, indentOf(b)));
        if (t.trim() === '') continue;
        if (indentOf(t) === 0 || chunks.length === 0) chunks.push([t]);
        else chunks[chunks.length - 1]?.push(t);
      }
      // `key: {}` directly followed by a commented block documents that key's children
      // (`commonLabels: {}` / `# myLabel: x`, `  resources: {}` / `#   limits:`).
      const textCol = col + 1 + strip;
      const childOfPrevious =
        previous !== undefined &&
        previous.emptyValue &&
        (col >= previous.indent || textCol > previous.indent);
      previous = undefined;
      const parents = childOfPrevious ? [...stack] : stack.filter((e) => e.indent < col);
      if (parents.some((e) => e.key === null)) continue;
      const parentKey = parents.at(-1)?.key;
      for (const chunk of chunks) {
        const parsed = tryParseFragment(chunk.join('\n'));
        if (!isPlainObject(parsed)) continue;
        const keys = Object.keys(parsed).filter((k) => COMMENTED_KEY.test(k) && !YAML_WORDS.has(k) && k !== parentKey);
        if (keys.length === 0) continue;
        let node: Record<string, unknown> = root;
        for (const { key } of parents) {
          const next = node[key as string];
          if (!isPlainObject(next)) node[key as string] = {};
          node = node[key as string] as Record<string, unknown>;
        }
        for (const k of keys) if (!(k in node)) node[k] = parsed[k];
      }
      continue;
    }
    i++;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---') {
      previous = undefined;
      continue;
    }
    const indent = indentOf(line);
    previous = undefined;
    if (trimmed.startsWith('- ') || trimmed === '-') {
      while (stack.length > 0 && ((stack.at(-1)?.indent ?? 0) > indent || (stack.at(-1)?.indent === indent && stack.at(-1)?.key === null))) stack.pop();
      stack.push({ indent, key: null });
      continue;
    }
    const keyMatch = keyLine.exec(trimmed);
    if (!keyMatch) continue;
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    stack.push({ indent, key: (keyMatch[1] ?? '').replace(/^["']|["']$/g, '') });
    const rest = trimmed.slice(keyMatch[0].length);
    previous = { indent, emptyValue: /^\s*(\{\s*\}|\[\s*\]|null|~)?\s*(#.*)?$/.test(rest) };
    if (/^\s*[|>][-+0-9]*\s*(#.*)?$/.test(rest)) {
      // block scalar: skip its content lines
      while (i < lines.length && ((lines[i] ?? '').trim() === '' || indentOf(lines[i] ?? '') > indent)) i++;
      previous = undefined;
    }
  }
  return root;
}

/** Real defaults win; commented-out keys only add keys below non-empty maps (so `{}` stays free-form). */
function withCommented(real: unknown, commented: unknown): unknown {
  if (real === undefined) return commented;
  if (!isPlainObject(real) || Object.keys(real).length === 0 || !isPlainObject(commented)) return real;
  const out: Record<string, unknown> = { ...real };
  for (const [k, v] of Object.entries(commented)) out[k] = withCommented(real[k], v);
  return out;
}

/** Known key tree of a chart: its defaults plus keys documented as commented-out YAML. */
function knownKeysOf(src: StoredChart, includeCommented: boolean): Record<string, unknown> {
  if (!includeCommented) return defaultsOf(src);
  return cached(`known:${src.dir}`, () => {
    const text = fs.readFileSync(path.join(src.dir, 'values.yaml'), 'utf8');
    const merged = withCommented(defaultsOf(src), commentedOutKeys(text));
    return isPlainObject(merged) ? merged : {};
  });
}

/**
 * Key names whose value is passed through verbatim (usually via `toYaml`) into a Kubernetes object
 * or an application config file, rather than read key by key by the chart templates. Anything
 * below such a key is accepted (the key itself must still exist in the defaults).
 *
 * - Kubernetes-native types: metadata maps, scheduling, resources, security contexts,
 *   env / volumes (`*Annotations`, `*Labels`, `*SecurityContext`, `*NodeSelector` are matched by suffix,
 *   e.g. `podAnnotations`, `serviceLabels`, `externalLabels`, `matchLabels`, `podSecurityContext`).
 * - PVC / storage specs handed to the Prometheus Operator (`storageSpec`, `volumeClaimTemplate`).
 * - Application config blobs: `config`, `grafana.ini`, `structuredConfig`, grafana provisioning maps,
 *   Prometheus `additional*Configs`, flag maps (`extraArgs`).
 *
 * Deliberately NOT free-form: probes (`livenessProbe`…; several charts template them key by key),
 * label selectors (`*Selector`; structured matchLabels/matchExpressions), `podMetadata`
 * (labels/annotations/name only) and any chart-specific section.
 */
export const FREE_FORM_KEY_NAMES: ReadonlySet<string> = new Set([
  'annotations',
  'labels',
  'nodeSelector',
  'tolerations',
  'affinity',
  'topologySpreadConstraints',
  'resources',
  'securityContext',
  'env',
  'envFrom',
  'extraEnv',
  'extraEnvFrom',
  'extraEnvVars',
  'extraArgs',
  'volumes',
  'volumeMounts',
  'extraVolumes',
  'extraVolumeMounts',
  'storageSpec',
  'volumeClaimTemplate',
  'config',
  'structuredConfig',
  'grafana.ini',
  'datasources',
  'dashboards',
  'dashboardProviders',
  'additionalScrapeConfigs',
  'additionalAlertManagerConfigs',
  'additionalAlertRelabelConfigs',
]);

/** Key-name suffixes (camelCase) that mark a verbatim map, see {@link FREE_FORM_KEY_NAMES}. */
export const FREE_FORM_KEY_SUFFIXES: readonly string[] = ['Annotations', 'Labels', 'SecurityContext', 'NodeSelector'];

function isFreeFormKey(key: string): boolean {
  return FREE_FORM_KEY_NAMES.has(key) || FREE_FORM_KEY_SUFFIXES.some((s) => key.length > s.length && key.endsWith(s));
}

function joinPath(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Reports keys of `values` missing from `known`, recursing where the defaults are structured. */
function walkKnown(values: Record<string, unknown>, known: Record<string, unknown>, prefix: string, out: string[]): void {
  for (const [key, value] of Object.entries(values)) {
    const p = joinPath(prefix, key);
    if (!(key in known)) {
      out.push(p);
      continue;
    }
    const d = known[key];
    if (d === null || d === undefined) continue; // null default: a leaf that may take any shape
    if (isFreeFormKey(key)) continue;
    if (Array.isArray(d)) continue; // arrays are leaves
    if (isPlainObject(d)) {
      if (Object.keys(d).length === 0) continue; // `{}` default: free-form map
      if (isPlainObject(value)) walkKnown(value, d, p, out);
      continue;
    }
    // scalar default: nested keys below it do not exist
    if (isPlainObject(value)) for (const child of Object.keys(value)) out.push(joinPath(p, child));
  }
}

interface WalkContext {
  includeCommented: boolean;
  out: string[];
}

function walkChart(src: StoredChart, known: Record<string, unknown>, values: Record<string, unknown>, prefix: string, ctx: WalkContext, isRoot: boolean): void {
  const deps = new Map(dependenciesOf(src).map((d) => [d.key, d]));
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const dep = deps.get(key);
    if (dep) {
      // Subchart values: parent overrides coalesced over the subchart's own defaults.
      if (!dep.stored || !isPlainObject(value)) continue; // values not collected: cannot check
      const parentPart = isPlainObject(known[key]) ? known[key] : {};
      const subKnown = mergeKnown(knownKeysOf(dep.stored, ctx.includeCommented), parentPart);
      walkChart(dep.stored, isPlainObject(subKnown) ? subKnown : {}, value, joinPath(prefix, key), ctx, false);
    } else if (key === 'global' && isRoot && isPlainObject(value)) {
      const globals = collectGlobals(src, ctx.includeCommented);
      if (globals !== null) walkKnown(value, globals, joinPath(prefix, key), ctx.out);
    } else {
      plain[key] = value;
    }
  }
  walkKnown(plain, known, prefix, ctx.out);
}

/** Options for {@link unknownValuesKeys}. */
export interface UnknownKeysOptions {
  /** Also accept keys that values.yaml documents as commented-out YAML (default true). */
  includeCommented?: boolean;
}

/**
 * Every key path Loom sets in `values` that does not exist in the chart version's default
 * values.yaml (recursing into stored subcharts by dependency name or alias, at the pinned version),
 * ignoring free-form maps ({@link FREE_FORM_KEY_NAMES}), `{}` / `null` defaults and arrays.
 * Keys the file documents as commented-out YAML (`# adminPassword: …`) count as existing unless
 * `includeCommented: false`. Keys under a dependency whose values were not collected are not checked.
 * Returns sorted dotted paths.
 */
export function unknownValuesKeys(chart: string, version: string, values: unknown, options: UnknownKeysOptions = {}): string[] {
  const src = storedChart(chart, version);
  if (values === undefined || values === null) return [];
  if (!isPlainObject(values)) throw new Error(`values for ${chart} ${version} must be an object`);
  const ctx: WalkContext = { includeCommented: options.includeCommented ?? true, out: [] };
  walkChart(src, knownKeysOf(src, ctx.includeCommented), values, '', ctx, true);
  return [...new Set(ctx.out)].sort();
}

/* ------------------------------------------------------------------ ajv */

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Formats used by Kubernetes / Helm schemas; unchecked ones are accepted. */
function addFormats(ajv: AjvInstance): void {
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('date-time', RFC3339);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  for (const f of ['float', 'double', 'byte', 'binary', 'password', 'duration', 'uri', 'url', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'quantity', 'int-or-string']) {
    ajv.addFormat(f, true);
  }
}

/**
 * Regex engine for patterns written for Go's RE2 (Kubernetes and Helm validate with Go):
 * leading inline flags such as `^(?i)…` become JS flags, `(?P<n>` becomes `(?<n>`, `\\A`/`\\z` anchors.
 */
const goRegExp = Object.assign(
  (pattern: string, u: string): RegExp => {
    let flags = u;
    let src = pattern;
    const inline = /^(\^?)\(\?([imsU]+)\)/.exec(src);
    if (inline) {
      src = (inline[1] ?? '') + src.slice(inline[0].length);
      for (const f of inline[2] ?? '') if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    }
    src = src.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
    try {
      return new RegExp(src, flags);
    } catch {
      return new RegExp(src, flags.replace('u', ''));
    }
  },
  { code: 'goRegExp' },
);

const AJV_OPTIONS = { strict: false, allErrors: true, validateSchema: false, logger: false, code: { regExp: goRegExp } } as const;

/** Readable error: `<instance path>: <message>`; unknown properties named like kubectl does. */
function formatError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown field "${String(params.additionalProperty)}"`;
    case 'enum':
      return `${where}: must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'x-kubernetes-int-or-string':
      return `${where}: must be an integer or a string`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

function formatErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  return [...new Set((errors ?? []).map((e) => formatError({ ...e, instancePath: prefix + e.instancePath })))];
}

/* ------------------------------------------------------------------ values.schema.json */

function newAjvFor(schemaUri: unknown): AjvInstance {
  const opts = AJV_OPTIONS;
  const uri = typeof schemaUri === 'string' ? schemaUri : '';
  const ajv: AjvInstance = uri.includes('2020-12') ? new Ajv2020(opts) : uri.includes('2019-09') ? new Ajv2019(opts) : new Ajv(opts);
  addFormats(ajv);
  return ajv;
}

function valuesValidator(src: StoredChart): ValidateFunction | undefined {
  const file = path.join(src.dir, 'values.schema.json');
  if (!fs.existsSync(file)) return undefined;
  return cached(`values-validator:${file}`, () => {
    const schema = clone(readJsonFile<Record<string, unknown>>(file));
    const ajv = newAjvFor(schema.$schema);
    delete schema.$schema; // e.g. `https://json-schema.org/draft-07/schema#` is not a registered meta-schema id
    return ajv.compile(schema);
  });
}

/** Helm dependency `condition`: the first listed path that resolves to a boolean decides (default on). */
function conditionHolds(condition: string | undefined, values: Record<string, unknown>): boolean {
  for (const p of (condition ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '')) {
    let node: unknown = values;
    for (const part of p.split('.')) node = isPlainObject(node) ? node[part] : undefined;
    if (typeof node === 'boolean') return node;
  }
  return true;
}

function schemaErrorsFor(src: StoredChart, merged: Record<string, unknown>, prefix: string, out: string[]): void {
  const validate = valuesValidator(src);
  if (validate && !validate(merged)) out.push(...formatErrors(validate.errors, prefix));
  for (const { key, dep, stored } of dependenciesOf(src)) {
    if (!stored || !conditionHolds(dep.condition, merged)) continue;
    const part = isPlainObject(merged[key]) ? merged[key] : {};
    const sub = coalesce(defaultsOf(stored), part) as Record<string, unknown>;
    sub.global = coalesce(isPlainObject(sub.global) ? sub.global : {}, merged.global ?? {});
    schemaErrorsFor(stored, sub, `${prefix}/${key}`, out);
  }
}

/**
 * Validates `values` coalesced over the chart defaults (as `helm install` does, including an injected
 * `global: {}`) against `values.schema.json`, and stored subcharts against theirs.
 * Returns `<instance path>: <message>` strings; `[]` when valid or when no schema is stored.
 */
export function valuesSchemaErrors(chart: string, version: string, values: unknown): string[] {
  const src = storedChart(chart, version);
  const merged = coalesce(defaultsOf(src), values ?? {});
  if (!isPlainObject(merged)) throw new Error(`values for ${chart} ${version} must be an object`);
  if (!isPlainObject(merged.global)) merged.global = {};
  const out: string[] = [];
  schemaErrorsFor(src, merged, '', out);
  return out;
}

/* ------------------------------------------------------------------ CRDs */

function crdIndex(): CrdIndexEntry[] {
  return readJsonFile<CrdIndexEntry[]>(path.join(sharedDir(), 'crds', 'index.json'));
}

/** Stored CRDs: group, kind, served versions and absolute path of the CRD YAML. */
export function storedCrds(): Array<{ group: string; kind: string; versions: string[]; file: string }> {
  return crdIndex().map((e) => ({
    group: e.group,
    kind: e.kind,
    versions: [...e.servedVersions],
    file: path.join(sharedDir(), 'crds', e.file),
  }));
}

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function qualifiedKeyError(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'prefix must be a DNS subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'name part must be ≤63 alphanumerics, "-", "_" or "."';
  return undefined;
}

/** The ObjectMeta checks the API server applies to a custom resource (schemas leave metadata open). */
function objectMetaErrors(meta: unknown): string[] {
  if (!isPlainObject(meta)) return ['/metadata: must be object'];
  const out: string[] = [];
  for (const k of Object.keys(meta)) if (!OBJECT_META_FIELDS.has(k)) out.push(`/metadata: unknown field "${k}"`);
  if (meta.name === undefined && meta.generateName === undefined) out.push("/metadata: must have required property 'name'");
  if (meta.name !== undefined) {
    if (typeof meta.name !== 'string') out.push('/metadata/name: must be string');
    else if (meta.name.length > 253 || !DNS_SUBDOMAIN.test(meta.name)) out.push(`/metadata/name: "${meta.name}" must be a lowercase DNS subdomain (RFC 1123)`);
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') out.push('/metadata/namespace: must be string');
  for (const mapKey of ['labels', 'annotations'] as const) {
    const m = meta[mapKey];
    if (m === undefined) continue;
    if (!isPlainObject(m)) {
      out.push(`/metadata/${mapKey}: must be object`);
      continue;
    }
    for (const [k, v] of Object.entries(m)) {
      const ptr = `/metadata/${mapKey}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (typeof v !== 'string') out.push(`${ptr}: must be string`);
      const keyErr = qualifiedKeyError(k);
      if (keyErr) out.push(`${ptr}: invalid key: ${keyErr}`);
      if (mapKey === 'labels' && typeof v === 'string' && v !== '' && (v.length > 63 || !QUALIFIED_NAME.test(v))) {
        out.push(`${ptr}: invalid label value "${v}"`);
      }
    }
  }
  return out;
}

/**
 * Rewrites a CRD openAPIV3Schema so that ajv behaves like the API server with strict field validation:
 * objects without `additionalProperties` / `x-kubernetes-preserve-unknown-fields` are closed (the
 * server would prune, and with `fieldValidation=Strict` reject, unknown fields), also `type: object`
 * without properties (nothing is kept there, e.g. nested ObjectMeta that controller-gen leaves empty).
 * Junctor branches (allOf/anyOf/oneOf/not) only constrain, so they are left open. The root `metadata`
 * is opened (checked separately as ObjectMeta). Descriptions are dropped.
 */
function strictStructural(node: unknown, inJunctor: boolean, isRoot: boolean): unknown {
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'x-kubernetes-validations') continue;
    if (k === 'properties' && isPlainObject(v)) {
      const props: Record<string, unknown> = {};
      for (const [pk, pv] of Object.entries(v)) {
        props[pk] = isRoot && pk === 'metadata' ? { type: 'object' } : strictStructural(pv, false, false);
      }
      out[k] = props;
    } else if ((k === 'items' || k === 'additionalProperties') && isPlainObject(v)) {
      out[k] = strictStructural(v, false, false);
    } else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) {
      out[k] = v.map((s) => strictStructural(s, true, false));
    } else if (k === 'not') {
      out[k] = strictStructural(v, true, false);
    } else {
      out[k] = v;
    }
  }
  if (out['x-kubernetes-int-or-string'] === true) delete out.anyOf; // replaced by the custom keyword below
  const preserve = out['x-kubernetes-preserve-unknown-fields'] === true;
  const isObject = out.type === 'object' || (out.type === undefined && out.properties !== undefined);
  if (!inJunctor && isObject && !preserve && out.additionalProperties === undefined) {
    if (out['x-kubernetes-embedded-resource'] === true) {
      const props = isPlainObject(out.properties) ? { ...out.properties } : {};
      props.apiVersion ??= { type: 'string' };
      props.kind ??= { type: 'string' };
      props.metadata ??= { type: 'object' };
      out.properties = props;
    }
    out.additionalProperties = false;
  }
  return out;
}

function newCrdAjv(): AjvInstance {
  const ajv = new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    errors: true,
    validate: (schema: boolean, data: unknown) => !schema || Number.isInteger(data) || typeof data === 'string',
  });
  return ajv;
}

interface LoadedCrd {
  entry: CrdIndexEntry;
  validate: ValidateFunction;
}

function findCrd(group: string, kind: string, version: string): CrdIndexEntry | undefined {
  return crdIndex().find((e) => e.group === group && e.kind === kind && e.servedVersions.includes(version));
}

function loadCrd(entry: CrdIndexEntry, version: string): LoadedCrd {
  const file = path.join(sharedDir(), 'crds', entry.file);
  return cached(`crd-validator:${file}:${version}`, () => {
    const crd = readYamlFile(file) as { spec?: { versions?: Array<{ name: string; schema?: { openAPIV3Schema?: unknown } }> } };
    const v = crd.spec?.versions?.find((x) => x.name === version);
    const schema = v?.schema?.openAPIV3Schema;
    if (!isPlainObject(schema)) throw new Error(`CRD ${file} has no openAPIV3Schema for version ${version}`);
    const validate = newCrdAjv().compile(strictStructural(schema, false, true) as Record<string, unknown>);
    return { entry, validate };
  });
}

/**
 * Validates a custom resource `{apiVersion, kind, metadata, spec}` against the stored CRD schema of
 * its version, emulating server-side strict field validation (unknown fields are errors), plus the
 * ObjectMeta checks (name format, label syntax). CEL `x-kubernetes-validations` are NOT evaluated.
 * Throws when no CRD for that group/kind/version is stored. Returns `<instance path>: <message>`.
 */
export function customResourceErrors(manifest: Record<string, unknown>): string[] {
  const apiVersion = manifest.apiVersion;
  const kind = manifest.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new Error('manifest needs string apiVersion and kind');
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  const entry = findCrd(group, kind, version);
  if (!entry) {
    const have = crdIndex()
      .map((e) => `${e.group}/{${e.servedVersions.join(',')}} ${e.kind}`)
      .join('; ');
    throw new Error(`No stored CRD for ${apiVersion} ${kind} (stored: ${have})`);
  }
  const { validate } = loadCrd(entry, version);
  const out = objectMetaErrors(manifest.metadata);
  if (!validate(manifest)) out.push(...formatErrors(validate.errors));
  return [...new Set(out)];
}

/* ------------------------------------------------------------------ Loom's own chart */

/** Loom's own chart for custom resources, in this repository (`charts/loom-resources`). */
export function loomResourcesChartDir(): string {
  return path.join(repoRoot, 'charts', 'loom-resources');
}

/**
 * Validates values for Loom's `loom-resources` chart as `helm install` would: coalesced over the
 * chart's values.yaml (with Helm's injected `global: {}`), against the chart's own
 * values.schema.json. Returns `<instance path>: <message>`; `[]` when valid.
 */
export function loomResourcesValuesErrors(values: unknown): string[] {
  const dir = loomResourcesChartDir();
  const defaults = parseHelmYaml(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
  const merged = coalesce(isPlainObject(defaults) ? defaults : {}, values ?? {});
  if (!isPlainObject(merged)) throw new Error('values for loom-resources must be an object');
  if (!isPlainObject(merged.global)) merged.global = {};
  const validate = cached(`loom-resources-validator:${dir}`, () => {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
    const ajv = newAjvFor(schema.$schema);
    delete schema.$schema;
    return ajv.compile(schema);
  });
  return validate(merged) ? [] : formatErrors(validate.errors);
}
