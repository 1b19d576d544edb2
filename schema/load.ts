/**
 * Reading a spec: text (YAML or JSON) → plain data → validated spec with defaults, or every
 * problem at once. I/O and syntax problems are told apart from validation problems, because the
 * CLI exits 2 for the first and 1 for the second.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { platformSchema, type PlatformSpec } from './schema';
import { sortIssues, SpecValidationError, type SpecIssue } from './issues';
import { defOf, fromZodIssues, unwrapSchema } from './zod-issues';
import type { z } from 'zod';
import { checkRules, type RuleOptions } from './rules';
import { salvage, salvagedFindings } from './salvage';

/**
 * Neutral stand-ins for broken required keys while the rules run on the rest (their own problem is
 * reported by the shape pass): a name no derived-name limit trips over. A broken `cloud` or
 * `clusters` leaves nothing to check the rest against.
 */
const SALVAGE_STAND_INS = { name: 'loom' } as const;

/** The spec could not be read or parsed at all (CLI exit 2). */
export class SpecInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecInputError';
  }
}

/** What validating a spec found: the validated spec, or every problem. Warnings either way. */
export type ValidationResult =
  | {
      /** The spec is valid. */
      ok: true;
      /** The validated spec, defaults applied, maps in canonical order. */
      spec: PlatformSpec;
      /** What the rules warn about; the spec is valid all the same. */
      warnings: SpecIssue[];
    }
  | {
      /** The spec is not valid. */
      ok: false;
      /** Every problem, shape and rules, sorted by path. */
      errors: SpecIssue[];
      /** What the rules warn about, beside the errors. */
      warnings: SpecIssue[];
    };

/**
 * Validates plain data: the shape (zod) and the cross-field rules, reporting every problem of both at
 * once — with shape problems, the rules run on the parts that parsed (see `salvage.ts`).
 */
export function validateSpec(input: unknown, options: RuleOptions = {}): ValidationResult {
  const parsed = platformSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const shape = fromZodIssues(parsed.error.issues, platformSchema);
    // Every problem at once: the cross-field rules still run on the parts that parsed.
    const salvaged = salvage(platformSchema, input, SALVAGE_STAND_INS);
    if (!salvaged) return { ok: false, errors: sortIssues(shape), warnings: [] };
    const rules = checkRules(salvaged.data, options);
    return {
      ok: false,
      errors: sortIssues([...shape, ...salvagedFindings(salvaged, rules.errors)]),
      warnings: sortIssues(salvagedFindings(salvaged, rules.warnings)),
    };
  }
  const { errors, warnings } = checkRules(parsed.data, options);
  if (errors.length) return { ok: false, errors: sortIssues(errors), warnings: sortIssues(warnings) };
  return { ok: true, spec: canonical(parsed.data), warnings: sortIssues(warnings) };
}

/** Parses YAML or JSON text; syntax errors name the line and column. */
export function parseSpecText(text: string, source = 'platform.yaml'): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const lines = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
      return `${where}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
    });
    throw new SpecInputError(lines.join('\n'));
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw new SpecInputError(`${source}: the file is empty; see examples/aws-minimal.yaml for a start`);
  if (typeof data !== 'object' || Array.isArray(data)) throw new SpecInputError(`${source}: the top level must be a mapping of keys (name, cloud, clusters, …)`);
  return data;
}

/**
 * Reads a spec file (`-` for standard input); throws {@link SpecInputError} (I/O, syntax) or
 * {@link SpecValidationError}.
 */
export function loadSpecFile(file: string): {
  /** The validated spec, defaults applied, maps in canonical order. */
  spec: PlatformSpec;
  /** What the rules warn about; the spec is valid all the same. */
  warnings: SpecIssue[];
} {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw new SpecInputError(`${file}: cannot read the spec (${why})`);
  }
  const source = file === '-' ? '<stdin>' : file;
  const result = validateSpec(parseSpecText(text, source));
  if (!result.ok) throw new SpecValidationError(result.errors, source);
  return { spec: result.spec, warnings: result.warnings };
}

/**
 * The spec with the keys of every map — labels, node labels, machine types, any record — in
 * sorted order, and every fixed-shape object in the schema's own order (as `--explain` prints
 * it): reordering keys in platform.yaml never changes what is synthesized.
 */
export function canonical<T>(value: T, schema: z.ZodType = platformSchema): T {
  const kinds = unwrapSchema(schema);
  if (Array.isArray(value)) {
    const element = kinds.map((k) => defOf(k)).find((d) => d.type === 'array')?.element;
    return value.map((v) => (element ? canonical(v, element) : v)) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const record = kinds.map((k) => defOf(k)).find((d) => d.type === 'record');
  if (record?.valueType) {
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v, record.valueType!)])) as T;
  }
  const shapes = kinds.map((k) => defOf(k).shape).filter((x): x is Record<string, z.ZodType> => x !== undefined);
  const shape = shapes.find((sh) => entries.every(([k]) => k in sh)) ?? shapes[0];
  if (!shape) return value;
  const order = Object.keys(shape);
  entries.sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  return Object.fromEntries(entries.map(([k, v]) => [k, shape[k] ? canonical(v, shape[k]) : v])) as T;
}
