/**
 * `loom check`: a policy report as a table for people, JSON for tools, or SARIF 2.1.0 for
 * code-scanning (GitHub code scanning, GitLab, Azure DevOps).
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, PolicyReport, PolicyRule } from '../policies';

/** The formats `loom check --format` takes. */
export const CHECK_FORMATS = ['table', 'json', 'sarif'] as const;
/** One of {@link CHECK_FORMATS}. */
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** The JSON contract: `{ packs, findings: [ { rule, severity, stack, resource, path, message, fix, excepted } ], summary }`. */
export function reportJson(report: PolicyReport): Record<string, unknown> {
  return {
    packs: report.packs,
    findings: report.findings.map((f) => ({
      rule: f.rule,
      findingId: f.findingId,
      title: f.title,
      severity: f.severity,
      level: f.level,
      stack: f.stack,
      resource: f.resource,
      path: f.path,
      message: f.message,
      fix: f.fix,
      anchors: f.anchors,
      unknown: f.unknown,
      excepted: f.excepted,
      ...(f.exception ? { exception: f.exception } : {}),
    })),
    exceptions: report.exceptions,
    summary: report.summary,
  };
}

const mark = (f: Finding) => (f.excepted ? 'excepted' : f.unknown ? 'unknown' : f.level);

/** The report as a table, sorted by stack and rule, then the exceptions and the totals. */
export function formatCheckTable(report: PolicyReport): string {
  const out: string[] = [`packs: ${report.packs.join(', ')} — ${report.summary.rules} rules over ${report.summary.resources} resources`];
  let stack = '';
  for (const f of report.findings) {
    if (f.stack !== stack) {
      stack = f.stack;
      out.push('', stack);
    }
    out.push(`  ${mark(f).padEnd(8)} ${f.severity.padEnd(8)} ${f.findingId}  ${f.path}`);
    out.push(`           ${f.message}`);
    if (f.excepted) out.push(`           excepted${f.exception!.by === 'loom' ? ' by Loom' : ` (policies.exceptions[${f.exception!.index}])`}: ${f.exception!.reason}${f.exception!.expires ? ` (until ${f.exception!.expires})` : ''}`);
    else out.push(`           fix: ${f.fix}`);
  }
  if (report.exceptions.length) {
    out.push('', 'exceptions');
    for (const e of report.exceptions) out.push(`  [${e.index}] ${e.exception.rule} ${e.exception.resource}: ${e.status}${e.status === 'applied' ? ` (${e.covered} finding${e.covered === 1 ? '' : 's'})` : ''}${e.note ? ` — ${e.note}` : ''}`);
  }
  const s = report.summary;
  out.push('', `${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'} (${s.unknown} undecided at synth), ${s.excepted} excepted`);
  return `${out.join('\n')}\n`;
}

/** SARIF's `security-severity` (0–10) for code-scanning tools that rank by it. */
const SECURITY_SEVERITY = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '3.0' } as const;

/** The report as a SARIF 2.1.0 log: one run, the rules that fired as the driver's rules, one result per finding. */
export function reportSarif(report: PolicyReport, rules: readonly PolicyRule[], version: string): Log {
  const fired = rules.filter((r) => report.findings.some((f) => f.rule === r.id));
  const descriptors: ReportingDescriptor[] = fired.map((r) => ({
    id: r.id,
    name: r.id.replace(/-/g, ''),
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: { text: `${r.fix}\nAnchors: ${r.anchors.join(', ')}` },
    properties: { tags: ['security', r.area, ...r.anchors], 'security-severity': SECURITY_SEVERITY[r.severity.baseline] },
  }));
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: fired.findIndex((r) => r.id === f.rule),
    level: f.unknown ? 'note' : f.level,
    message: { text: `${f.message}. Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: `stacks/${f.stack}/cdk.tf.json`, uriBaseId: 'SYNTH_OUT' } },
        logicalLocations: [{ fullyQualifiedName: f.path, name: f.resource, kind: 'resource' }],
      },
    ],
    partialFingerprints: { loomFinding: `${f.findingId}|${f.stack}|${f.resource}` },
    properties: { severity: f.severity, unknown: f.unknown },
    ...(f.excepted ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: `${f.exception!.reason}${f.exception!.expires ? ` (until ${f.exception!.expires})` : ''}` }] } : {}),
  }));
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'loom', version, rules: descriptors } },
        originalUriBaseIds: { SYNTH_OUT: { description: { text: 'the synthesized output directory (cdktf.out)' } } },
        results,
      },
    ],
  };
}
