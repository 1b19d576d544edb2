/**
 * Shared reading for the ENC rules: whether the packs in force require customer-managed keys,
 * the severity of a "no CMK" finding, key presence (a `${…}` reference IS a key), and IAM policy
 * documents (a JSON string, or an `aws_iam_policy_document` data source it references) as plain
 * statements, for the S3 TLS-only and KMS key-policy checks.
 */
import type { PackSeverities, RuleContext, SynthResource } from '../../types';
import { attr, isObject, isReference } from '../../values';

/** The `regulated` pack is in force: customer-managed keys are required where the catalogue says "in regulated" / "when CMEK is required". */
export const cmkRequired = (ctx: RuleContext): boolean => ctx.settings.packs.includes('regulated');

/** A missing customer-managed key: a warning in baseline, an error in regulated. */
export const CMK_SEVERITY: PackSeverities = { baseline: 'MEDIUM', regulated: 'HIGH' };

/** Whether a key attribute names a key: any non-empty string (a reference counts: it is a key, decided at apply time). */
export const hasKey = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

/** An IAM statement, normalised. */
export interface Statement {
  readonly effect: string;
  /** `'*'` for `Principal: "*"`, else type → identifiers (`AWS`, `Service`, `*`, …). */
  readonly principals: '*' | Readonly<Record<string, readonly string[]>>;
  readonly actions: readonly string[];
  /** operator → key → values. */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

const strings = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));

function fromJson(doc: unknown): Statement[] {
  const body = isObject(doc) ? doc.Statement : undefined;
  const list = Array.isArray(body) ? body : body !== undefined ? [body] : [];
  return list.filter(isObject).map((s) => {
    const p = s.Principal;
    const principals: Statement['principals'] =
      p === '*' ? '*' : isObject(p) ? Object.fromEntries(Object.entries(p).map(([k, v]) => [k, strings(v)])) : {};
    const conditions: Record<string, Record<string, string[]>> = {};
    if (isObject(s.Condition))
      for (const [op, byKey] of Object.entries(s.Condition)) if (isObject(byKey)) conditions[op] = Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, strings(v)]));
    return { effect: String(s.Effect ?? ''), principals, actions: strings(s.Action), conditions };
  });
}

function fromDocument(doc: SynthResource): Statement[] {
  const raw = doc.values.statement;
  const list = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
  return list.filter(isObject).map((s) => {
    const principals: Record<string, string[]> = {};
    const blocks = Array.isArray(s.principals) ? s.principals : s.principals !== undefined ? [s.principals] : [];
    for (const b of blocks.filter(isObject)) principals[String(b.type ?? '')] = [...(principals[String(b.type ?? '')] ?? []), ...strings(b.identifiers)];
    const conditions: Record<string, Record<string, string[]>> = {};
    const conds = Array.isArray(s.condition) ? s.condition : s.condition !== undefined ? [s.condition] : [];
    for (const c of conds.filter(isObject)) {
      const op = String(c.test ?? '');
      conditions[op] = { ...(conditions[op] ?? {}), [String(c.variable ?? '')]: strings(c.values) };
    }
    return { effect: String(s.effect ?? 'Allow'), principals, actions: strings(s.actions), conditions };
  });
}

/**
 * The statements of a policy attribute: a JSON document (references inside its strings are fine),
 * an object, or a reference to an `aws_iam_policy_document` data source. `'unknown'` when it
 * cannot be read (an expression, a data source that cannot be followed).
 */
export function policyStatements(ctx: RuleContext, from: SynthResource, policy: unknown): Statement[] | 'unknown' {
  if (isObject(policy)) return fromJson(policy);
  if (typeof policy !== 'string') return 'unknown';
  const trimmed = policy.trim();
  if (trimmed.startsWith('{')) {
    try {
      return fromJson(JSON.parse(trimmed));
    } catch {
      return 'unknown';
    }
  }
  if (isReference(trimmed)) {
    const doc = ctx.resolve(from, trimmed);
    if (doc && doc.type === 'data.aws_iam_policy_document' && attr(doc.values, 'source_policy_documents') === undefined && attr(doc.values, 'override_policy_documents') === undefined)
      return fromDocument(doc);
  }
  return 'unknown';
}

/** Whether a principal set is everyone (`"*"`, `{AWS: "*"}`, `{"*": ["*"]}`). */
export const isEveryone = (p: Statement['principals']): boolean => p === '*' || Object.values(p).some((ids) => ids.includes('*'));

/** A `Bool`/`BoolIfExists` condition value on `key` (case-insensitive key), if any. */
export function boolCondition(s: Statement, key: string): readonly string[] | undefined {
  for (const op of ['Bool', 'BoolIfExists']) {
    const byKey = s.conditions[op];
    if (!byKey) continue;
    for (const [k, v] of Object.entries(byKey)) if (k.toLowerCase() === key.toLowerCase()) return v;
  }
  return undefined;
}
