/**
 * The engine: runs the rules of the packs in force over the synthesized stacks, gives each finding
 * its severity in those packs, applies the spec's exceptions (reasoned, expiring, never to an
 * unsuppressible rule in prod) and reports everything, applied exceptions included.
 *
 * A rule that cannot decide (an attribute only known at apply time, values it cannot read) reports
 * *unknown*: a warning, never an error and never a pass — as cdk-nag's validation failures.
 */
import picomatch from 'picomatch';
import { closest } from '../schema/issues';
import { ruleContext } from './stacks';
import { RULES } from './rules';
import { LOOM_ACKNOWLEDGEMENTS } from './acknowledgements';
import { SEVERITIES, type PackName, type PackSeverities, type PolicyRule, type PolicySettings, type RuleFinding, type Severity, type SynthStack } from './types';

/** An exception as the spec writes it (`policies.exceptions[]`). */
export interface PolicyException {
  /** The rule's id. */
  readonly rule: string;
  /** The resources it covers: a glob over `<stack>/<construct path>` or `<stack>/<address>`. */
  readonly resource: string;
  /** Why, and who reviewed it. */
  readonly reason: string;
  /** The last day it applies (YYYY-MM-DD). */
  readonly expires?: string;
}

/** One finding of the report. */
export interface Finding {
  /** The rule's id (`LOOM-ING-001`). */
  readonly rule: string;
  /** `LOOM-ING-001[detail]` when the rule gives a detail, else the id. */
  readonly findingId: string;
  /** The rule's title. */
  readonly title: string;
  /** The severity in the packs in force. */
  readonly severity: Severity;
  /** `error` (CRITICAL, HIGH; never for unknown) or `warning`. */
  readonly level: 'error' | 'warning';
  /** The stack. */
  readonly stack: string;
  /** The Terraform address (`aws_eks_cluster.Cluster_EB0386A7`). */
  readonly resource: string;
  /** The construct path. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The anchors' ids. */
  readonly anchors: readonly string[];
  /** The rule could not decide (reported, never an error). */
  readonly unknown: boolean;
  /** Whether an exception covers it. */
  readonly excepted: boolean;
  /** The exception that covers it, when one does: the spec's (`index` in `policies.exceptions`) or Loom's own acknowledgement (`by: 'loom'`, index -1). */
  readonly exception?: { readonly reason: string; readonly expires?: string; readonly index: number; readonly by: 'spec' | 'loom' };
}

/** What happened to an exception. */
export interface ExceptionStatus {
  /** Its index in `policies.exceptions`. */
  readonly index: number;
  /** The exception. */
  readonly exception: PolicyException;
  /** `applied` (covered findings), `unused` (matched nothing), `expired` (no longer applies), `rejected` (may not apply). */
  readonly status: 'applied' | 'unused' | 'expired' | 'rejected';
  /** Findings it covered. */
  readonly covered: number;
  /** Why it is expired or rejected. */
  readonly note?: string;
}

/** The whole report. */
export interface PolicyReport {
  /** The packs in force. */
  readonly packs: readonly PackName[];
  /** Every finding, sorted by stack, rule and resource. */
  readonly findings: readonly Finding[];
  /** Every exception and what became of it. */
  readonly exceptions: readonly ExceptionStatus[];
  /** Counts. */
  readonly summary: PolicySummary;
}

/** The report's counts. */
export interface PolicySummary {
  /** Rules evaluated. */
  readonly rules: number;
  /** Resources in the stacks. */
  readonly resources: number;
  /** Unexcepted error-level findings (a synth with any stops). */
  readonly errors: number;
  /** Unexcepted warnings (unknowns included). */
  readonly warnings: number;
  /** Findings a rule could not decide. */
  readonly unknown: number;
  /** Findings covered by an exception. */
  readonly excepted: number;
}

/** A problem with an exception itself (`policies.exceptions[i].<field>`). */
export interface ExceptionProblem {
  /** Spec path. */
  readonly path: string;
  /** Problem and fix. */
  readonly message: string;
}

/** The catalogue's rules by id. */
const BY_ID = new Map(RULES.map((r) => [r.id, r]));

const rank = (s: Severity) => SEVERITIES.indexOf(s);
const higher = (a: Severity, b: Severity): Severity => (rank(a) >= rank(b) ? a : b);

/** A severity in the packs in force: the highest any of them gives. */
export function severityIn(packs: readonly PackName[], severity: Severity | PackSeverities): Severity {
  if (typeof severity === 'string') return severity;
  return packs.reduce<Severity>((s, p) => higher(s, severity[p] ?? severity.baseline), severity.baseline);
}

/** Errors are CRITICAL and HIGH. */
export const levelOf = (s: Severity): 'error' | 'warning' => (rank(s) >= rank('HIGH') ? 'error' : 'warning');

/**
 * What is wrong with the exceptions beyond the spec's own checks (reason, expiry — schema/rules.ts):
 * a rule the catalogue does not have (with a did-you-mean), a glob that does not compile, and in
 * prod a rule that cannot be excepted.
 */
export function exceptionProblems(exceptions: readonly PolicyException[], settings: Pick<PolicySettings, 'environment'>, rules: readonly PolicyRule[] = RULES): ExceptionProblem[] {
  const ids = rules.map((r) => r.id);
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out: ExceptionProblem[] = [];
  exceptions.forEach((e, i) => {
    const at = (f: string) => `policies.exceptions[${i}].${f}`;
    const rule = byId.get(e.rule);
    if (!rule) {
      const hit = closest(e.rule, ids);
      out.push({ path: at('rule'), message: `unknown rule '${e.rule}'${hit ? `; did you mean '${hit}'?` : '; loom check --list-rules lists them'}` });
    } else if (settings.environment === 'prod' && rule.suppressible === false) {
      out.push({ path: at('rule'), message: `${rule.id} cannot be excepted in prod (${rule.title}); fix the resource instead: ${rule.fix}` });
    }
    try {
      picomatch(e.resource);
    } catch {
      out.push({ path: at('resource'), message: `'${e.resource}' is not a valid glob` });
    }
  });
  return out;
}

const locationOf = (f: RuleFinding) => ('address' in f.resource && 'type' in f.resource ? { stack: f.resource.stack, resource: f.resource.address, path: f.resource.path } : { stack: f.resource.stack, resource: f.resource.address ?? f.resource.path, path: `${f.resource.stack}/${f.resource.path}` });

/** Loom's acknowledgements, compiled once. */
const ACKNOWLEDGED = LOOM_ACKNOWLEDGEMENTS.map((a) => ({ ...a, match: picomatch([...a.paths], { dot: true }) }));

/**
 * Runs `rules` over `stacks` under `settings`, with `exceptions` (assumed free of
 * {@link exceptionProblems}) after Loom's own acknowledgements (`acknowledgements: false` to see
 * every finding of Loom's design as open).
 */
export function checkPolicies(
  stacks: readonly SynthStack[],
  settings: PolicySettings,
  exceptions: readonly PolicyException[] = [],
  rules: readonly PolicyRule[] = RULES,
  options: { readonly acknowledgements?: boolean } = {},
): PolicyReport {
  const ctx = ruleContext(stacks, settings);
  const acknowledged = options.acknowledgements === false ? [] : ACKNOWLEDGED;
  const matchers = exceptions.map((e) => picomatch(e.resource, { dot: true }));
  const status = exceptions.map<{ covered: number; note?: string; state: ExceptionStatus['status'] }>((e) => {
    if (e.expires && e.expires < settings.today) return { covered: 0, state: 'expired', note: `expired on ${e.expires}: its findings are back` };
    const rule = BY_ID.get(e.rule) ?? rules.find((r) => r.id === e.rule);
    if (settings.environment === 'prod' && rule?.suppressible === false) return { covered: 0, state: 'rejected', note: `${e.rule} cannot be excepted in prod` };
    return { covered: 0, state: 'unused' };
  });
  const findings: Finding[] = [];
  /** Per exception, the findings it matched but may not cover (unsuppressible in prod). */
  const refused: Record<number, number> = {};
  for (const rule of rules) {
    for (const f of rule.evaluate(ctx)) {
      const where = locationOf(f);
      const severity = severityIn(settings.packs, f.severity ?? rule.severity);
      const matches = (e: PolicyException, k: number) => e.rule === rule.id && (matchers[k]!(where.path) || matchers[k]!(`${where.stack}/${where.resource}`));
      const locked = settings.environment === 'prod' && f.suppressible === false;
      const loom = locked
        ? undefined
        : acknowledged.find((a) => a.rule === rule.id && a.match(where.path) && (!a.details || a.details.some((d) => (f.detail ?? '').startsWith(d))));
      const i = locked || loom ? -1 : exceptions.findIndex((e, k) => (status[k]!.state === 'unused' || status[k]!.state === 'applied') && matches(e, k));
      if (locked) {
        const k = exceptions.findIndex((e, j) => status[j]!.state !== 'expired' && matches(e, j));
        if (k >= 0) refused[k] = (refused[k] ?? 0) + 1;
      }
      if (i >= 0) {
        status[i]!.covered++;
        status[i]!.state = 'applied';
      }
      const expired = exceptions.findIndex((e, k) => status[k]!.state === 'expired' && e.rule === rule.id && (matchers[k]!(where.path) || matchers[k]!(`${where.stack}/${where.resource}`)));
      findings.push({
        rule: rule.id,
        findingId: f.detail ? `${rule.id}[${f.detail}]` : rule.id,
        title: rule.title,
        severity,
        level: f.unknown ? 'warning' : levelOf(severity),
        ...where,
        message: `${f.unknown ? 'could not be decided at synth: ' : ''}${f.message}${expired >= 0 ? ` (exception ${expired} expired on ${exceptions[expired]!.expires})` : ''}`,
        fix: rule.fix,
        anchors: rule.anchors,
        unknown: f.unknown === true,
        excepted: i >= 0 || loom !== undefined,
        ...(loom ? { exception: { reason: loom.reason, index: -1, by: 'loom' as const } } : {}),
        ...(i >= 0 ? { exception: { reason: exceptions[i]!.reason, ...(exceptions[i]!.expires ? { expires: exceptions[i]!.expires } : {}), index: i, by: 'spec' as const } } : {}),
      });
    }
  }
  findings.sort((a, b) => a.stack.localeCompare(b.stack) || a.rule.localeCompare(b.rule) || a.resource.localeCompare(b.resource));
  const open = findings.filter((f) => !f.excepted);
  return {
    packs: settings.packs,
    findings,
    exceptions: exceptions.map((exception, index) => {
      const st = status[index]!;
      const note = refused[index] ? `${st.note ? `${st.note}; ` : ''}may not cover ${refused[index]} finding${refused[index] === 1 ? '' : 's'} that cannot be excepted in prod` : st.note;
      const state = st.state === 'unused' && refused[index] ? 'rejected' : st.state;
      return { index, exception, status: state, covered: st.covered, ...(note ? { note } : {}) };
    }),
    summary: {
      rules: rules.length,
      resources: stacks.reduce((n, s) => n + s.resources.length, 0),
      errors: open.filter((f) => f.level === 'error').length,
      warnings: open.filter((f) => f.level === 'warning').length,
      unknown: findings.filter((f) => f.unknown).length,
      excepted: findings.length - open.length,
    },
  };
}
