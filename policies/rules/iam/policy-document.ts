/**
 * Reading AWS policy documents as Loom (and any cdktf app) synthesizes them: a JSON string, literal
 * or with `${…}` interpolations inside it (which may themselves hold quotes, e.g.
 * `${replace(aws_eks_cluster.c.identity[0].oidc[0].issuer, "https://", "")}:sub`), or a reference
 * to a `data.aws_iam_policy_document` of the same stack (followed through `ctx.resolve`). Anything
 * else — `${jsonencode(…)}`, a variable, a document of another stack's data source that cannot be
 * followed — is *unknown*.
 */
import type { RuleContext, SynthResource } from '../../types';
import { isObject } from '../../values';

/** A principal entry (`AWS`, `Service`, `Federated`, or `*` for `Principal: "*"`). */
export interface PolicyPrincipal {
  /** The principal type. */
  readonly type: string;
  /** Its identifiers. */
  readonly ids: readonly string[];
}

/** One condition: operator, key, values. */
export interface PolicyCondition {
  /** `StringEquals`, `StringLike`, `Null`, … */
  readonly test: string;
  /** The condition key (`aws:ResourceTag/x`, `<issuer>:sub`). */
  readonly variable: string;
  /** Its values. */
  readonly values: readonly string[];
}

/** A statement, normalized from either JSON or a `data.aws_iam_policy_document` block. */
export interface PolicyStatement {
  /** `Sid`, if any. */
  readonly sid?: string;
  /** `Allow` (the default) or `Deny`. */
  readonly effect: 'Allow' | 'Deny';
  /** `Action` (empty when absent). */
  readonly actions: readonly string[];
  /** `NotAction`. */
  readonly notActions: readonly string[];
  /** `Resource`. */
  readonly resources: readonly string[];
  /** `NotResource`. */
  readonly notResources: readonly string[];
  /** `Principal`. */
  readonly principals: readonly PolicyPrincipal[];
  /** `NotPrincipal`. */
  readonly notPrincipals: readonly PolicyPrincipal[];
  /** `Condition`, flattened. */
  readonly conditions: readonly PolicyCondition[];
}

/** A document that could be read, or why not. */
export type PolicyDocument = { readonly statements: readonly PolicyStatement[]; readonly unknown?: undefined } | { readonly unknown: string; readonly statements?: undefined };

const MARK = '@@LOOMREF';
const MARK_RE = /@@LOOMREF(\d+)@@/g;

/** Replaces each `${…}` interpolation (quotes and nested braces inside it included) by a placeholder. */
function mask(text: string): { masked: string; tokens: string[] } {
  const tokens: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '$' && text[i + 1] === '{' && text[i - 1] !== '$') {
      let j = i + 2;
      let depth = 1;
      // An HCL string inside the interpolation opens with `"` (as cdktf writes tokens) or, in a
      // document that was JSON-escaped after the fact, with `\"`; it closes the same way.
      let quote: '' | '"' | '\\"' = '';
      while (j < text.length && depth > 0) {
        const c = text[j];
        const escapedQuote = c === '\\' && text[j + 1] === '"';
        if (quote === '\\"') {
          if (escapedQuote) quote = '';
          if (escapedQuote || c === '\\') j++;
        } else if (quote === '"') {
          if (c === '\\') j++;
          else if (c === '"') quote = '';
        } else if (escapedQuote) {
          quote = '\\"';
          j++;
        } else if (c === '"') quote = '"';
        else if (c === '{') depth++;
        else if (c === '}') depth--;
        j++;
      }
      tokens.push(text.slice(i, j));
      out += `${MARK}${tokens.length - 1}@@`;
      i = j;
      continue;
    }
    out += text[i];
    i++;
  }
  return { masked: out, tokens };
}

const unmask = (v: unknown, tokens: readonly string[]): unknown => {
  if (typeof v === 'string') return v.replace(MARK_RE, (_, n: string) => tokens[Number(n)] ?? '');
  if (Array.isArray(v)) return v.map((x) => unmask(x, tokens));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [unmask(k, tokens) as string, unmask(x, tokens)]));
  return v;
};

const strings = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))));

function principalsOf(v: unknown): PolicyPrincipal[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [{ type: v === '*' ? '*' : 'AWS', ids: [v] }];
  if (!isObject(v)) return [];
  return Object.entries(v).map(([type, ids]) => ({ type, ids: strings(ids) }));
}

function conditionsOf(v: unknown): PolicyCondition[] {
  if (!isObject(v)) return [];
  const out: PolicyCondition[] = [];
  for (const [test, byKey] of Object.entries(v)) {
    if (!isObject(byKey)) continue;
    for (const [variable, values] of Object.entries(byKey)) out.push({ test, variable, values: strings(values) });
  }
  return out;
}

/** A statement of a JSON document. */
function jsonStatement(s: Record<string, unknown>): PolicyStatement {
  return {
    ...(typeof s.Sid === 'string' && s.Sid ? { sid: s.Sid } : {}),
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
    principals: principalsOf(s.Principal),
    notPrincipals: principalsOf(s.NotPrincipal),
    conditions: conditionsOf(s.Condition),
  };
}

/**
 * A JSON policy document (a string, possibly with interpolations, or an object already parsed).
 * Several rules read the same documents: a string's reading is parsed once and shared.
 */
export function parsePolicyJson(value: unknown): PolicyDocument {
  if (typeof value !== 'string') return readPolicyJson(value);
  let read = parsedDocuments.get(value);
  if (!read) {
    if (parsedDocuments.size >= 5000) parsedDocuments.clear();
    read = readPolicyJson(value);
    parsedDocuments.set(value, read);
  }
  return read;
}
const parsedDocuments = new Map<string, PolicyDocument>();

function readPolicyJson(value: unknown): PolicyDocument {
  let doc: unknown = value;
  if (typeof value === 'string') {
    const { masked, tokens } = mask(value);
    try {
      doc = unmask(JSON.parse(masked), tokens);
    } catch {
      return { unknown: `the policy document is not JSON synth can read (${value.length > 80 ? `${value.slice(0, 77)}…` : value})` };
    }
  }
  if (!isObject(doc)) return { unknown: 'the policy document is not a JSON object' };
  const raw = doc.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.some((s) => !isObject(s))) return { unknown: 'a statement is an expression, decided at apply time' };
  return { statements: (list as Record<string, unknown>[]).map(jsonStatement) };
}

const blocks = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []);

/** The statements of a `data.aws_iam_policy_document` (its `source_policy_documents` and `override_policy_documents` included). */
export function dataDocumentStatements(ctx: RuleContext, data: SynthResource, depth = 0): PolicyDocument {
  const out: PolicyStatement[] = [];
  for (const key of ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json']) {
    const v = data.values[key];
    if (v === undefined || v === null) continue;
    for (const d of Array.isArray(v) ? v : [v]) {
      const read = readPolicyDocument(ctx, data, d, depth + 1);
      if (read.unknown !== undefined) return read;
      out.push(...read.statements);
    }
  }
  for (const s of blocks(data.values.statement)) {
    const principals = (k: string) => blocks(s[k]).map((p) => ({ type: String(p.type ?? ''), ids: strings(p.identifiers) }));
    out.push({
      ...(typeof s.sid === 'string' && s.sid ? { sid: s.sid } : {}),
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      notResources: strings(s.not_resources),
      principals: principals('principals'),
      notPrincipals: principals('not_principals'),
      conditions: blocks(s.condition).map((c) => ({ test: String(c.test ?? ''), variable: String(c.variable ?? ''), values: strings(c.values) })),
    });
  }
  return { statements: out };
}

/**
 * A policy document attribute of `from` (`policy`, `assume_role_policy`): parsed JSON, or the
 * statements of the `data.aws_iam_policy_document` it references; unknown otherwise.
 */
export function readPolicyDocument(ctx: RuleContext, from: SynthResource, value: unknown, depth = 0): PolicyDocument {
  if (typeof value === 'string' && /^\s*\$\{[^]*\}\s*$/.test(value) && mask(value.trim()).tokens.length === 1 && mask(value.trim()).masked.startsWith(MARK)) {
    const target = depth < 4 ? ctx.resolve(from, value) : undefined;
    if (target?.type === 'data.aws_iam_policy_document' && /\.(json|minified_json)\}\s*$/.test(value)) return dataDocumentStatements(ctx, target, depth + 1);
    return { unknown: `the document is ${value.trim()}, decided at apply time` };
  }
  return parsePolicyJson(value);
}

/** Whether a string (an action, a resource, a principal) holds an interpolation. */
export const interpolated = (v: string): boolean => v.includes('${');
