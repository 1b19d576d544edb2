/**
 * Turns zod's issues into Loom's `<path>: <message>` problems, each saying what was expected,
 * what was given and, where a typo is likely, what was meant.
 */
import type { z } from 'zod';
import { didYouMean, formatPath, type SpecIssue } from './issues';

type AnySchema = z.ZodType;
// zod 4 keeps a schema's definition on `_zod.def`; only the fields read here are typed.
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  element?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  valueType?: AnySchema;
}
export const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a wrapper (optional, default, pipe, union, …) stands for. */
export function unwrapSchema(s: AnySchema): AnySchema[] {
  const d = defOf(s);
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return unwrapSchema(d.innerType!);
    case 'pipe':
      return unwrapSchema(d.in!);
    case 'union':
      return (d.options ?? []).flatMap(unwrapSchema);
    default:
      return [s];
  }
}

/** Object keys known at `path` in `schema` (all options of a union), for did-you-mean. */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema[] = [schema];
  const unwrap = unwrapSchema;
  for (const seg of path) {
    const next: AnySchema[] = [];
    for (const s of current.flatMap(unwrap)) {
      const d = defOf(s);
      if (typeof seg === 'number' && d.type === 'array' && d.element) next.push(d.element);
      else if (typeof seg === 'string' && d.type === 'object' && d.shape?.[seg]) next.push(d.shape[seg]);
      else if (typeof seg === 'string' && d.type === 'record' && d.valueType) next.push(d.valueType);
    }
    current = next;
  }
  const keys = new Set<string>();
  for (const s of current.flatMap(unwrap)) {
    const d = defOf(s);
    if (d.type === 'object' && d.shape) Object.keys(d.shape).forEach((k) => keys.add(k));
  }
  return [...keys].sort();
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}

const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

/** Converts zod issues (parsed with `reportInput: true`) into spec issues. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], schema: AnySchema): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const iss of issues) {
    const path = iss.path;
    const at = formatPath(path);
    const input = (iss as { input?: unknown }).input;
    switch (iss.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path);
        for (const key of iss.keys) {
          out.push({
            path: formatPath([...path, key]),
            message: `unknown key${didYouMean(key, known) || (known.length ? `; expected one of ${known.join(', ')}` : '')}`,
          });
        }
        break;
      }
      case 'invalid_type': {
        if (input === undefined) out.push({ path: at, message: `is required (${iss.expected})` });
        else if ((iss.expected as string) === 'int' || (iss.expected === 'number' && typeof input === 'number'))
          out.push({ path: at, message: `must be a whole number, got ${describe(input)}` });
        else out.push({ path: at, message: `must be ${article(iss.expected)}, got ${describe(input)}` });
        break;
      }
      case 'invalid_value': {
        const values = iss.values.map((v) => String(v));
        // YAML reads an unquoted 1.30 as the number 1.3: say to quote it.
        const quote = typeof input === 'number' && iss.values.every((v) => typeof v === 'string') ? `; quote it in YAML, e.g. "${values[0]}"` : '';
        out.push({
          path: at,
          message:
            input === undefined
              ? `is required: one of ${values.join(' | ')}`
              : `must be one of ${values.join(' | ')}, got ${describe(input)}${typeof input === 'string' ? didYouMean(input, values) : quote}`,
        });
        break;
      }
      case 'invalid_union': {
        const { discriminator: disc, options } = iss as { discriminator?: string; options?: unknown[] };
        if (disc) {
          // zod 4 already ends the path with the discriminator key.
          const discPath = path[path.length - 1] === disc ? path : [...path, disc];
          const given = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[disc] : undefined;
          const values = (options ?? []).map((v) => String(v));
          out.push({
            path: formatPath(discPath),
            message: values.length
              ? `must be one of ${values.join(' | ')}, got ${describe(given)}${typeof given === 'string' ? didYouMean(given, values) : ''}`
              : 'is missing or not one of the allowed values',
          });
        } else out.push({ path: at, message: iss.message });
        break;
      }
      case 'invalid_key': {
        // A record key failed its schema: report the key schema's own message, not zod's generic one.
        const inner = (iss as { issues?: { message: string }[] }).issues ?? [];
        const message = inner.length ? inner.map((i) => i.message).join('; ') : iss.message;
        out.push({ path: at, message: `${message}, got ${describe(input)}` });
        break;
      }
      case 'too_small': {
        const got = input === undefined ? '' : `, got ${iss.origin === 'array' || iss.origin === 'string' ? lengthOf(input) : describe(input)}`;
        if (iss.origin === 'array') out.push({ path: at, message: `list at least ${plural(iss.minimum, 'item')}${got}` });
        else if (iss.origin === 'string') out.push({ path: at, message: `must be at least ${plural(iss.minimum, 'character')}${got}` });
        else out.push({ path: at, message: `must be ${iss.inclusive === false ? '>' : '>='} ${iss.minimum}${got}` });
        break;
      }
      case 'too_big': {
        const got = input === undefined ? '' : `, got ${iss.origin === 'array' || iss.origin === 'string' ? lengthOf(input) : describe(input)}`;
        if (iss.origin === 'array') out.push({ path: at, message: `list at most ${plural(iss.maximum, 'item')}${got}` });
        else if (iss.origin === 'string') out.push({ path: at, message: `must be at most ${plural(iss.maximum, 'character')}${got}` });
        else out.push({ path: at, message: `must be ${iss.inclusive === false ? '<' : '<='} ${iss.maximum}${got}` });
        break;
      }
      case 'invalid_format':
        out.push({ path: at, message: `${iss.message}, got ${describe(input)}` });
        break;
      default:
        out.push({ path: at, message: iss.message });
    }
  }
  return out;
}

function lengthOf(v: unknown): string {
  if (typeof v === 'string') return `${v.length} ('${v}')`;
  if (Array.isArray(v)) return `${v.length}`;
  return describe(v);
}

function article(expected: string): string {
  const noun: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false' };
  return noun[expected] ?? expected;
}
