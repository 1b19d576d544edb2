/**
 * The policy engine: severities per pack, unknown findings never errors, exceptions (glob match on
 * construct path or address, reasoned, expiring, unusable for unsuppressible rules in prod, unknown
 * rule ids with a did-you-mean) and the report's counts; the spec's own checks of exceptions.
 */
import { describe, expect, it } from 'vitest';
import { checkPolicies, exceptionProblems, severityIn, type PolicyException } from '../../policies/engine';
import { RULES } from '../../policies/rules';
import type { PolicyRule, RuleFinding } from '../../policies/types';
import { validateSpec } from '../../schema/load';
import { lines } from '../schema/fixtures';
import { awsSpec } from '../schema/fixtures';
import { fixtureStack, SETTINGS } from './helpers';

/** A test rule: one finding per aws_eks_cluster, unknown when its name is a reference. */
const rule = (id: string, severity: PolicyRule['severity'], extra: Partial<PolicyRule> = {}): PolicyRule => ({
  id,
  area: 'ING',
  title: 'test rule',
  severity,
  rationale: 'test',
  fix: 'fix it',
  anchors: [],
  providers: ['aws'],
  evaluate: (ctx) =>
    ctx.resources('aws_eks_cluster').map((r): RuleFinding => (String(r.values.name).includes('${') ? { resource: r, message: 'name unknown', unknown: true } : { resource: r, message: `cluster ${String(r.values.name)}` })),
  ...extra,
});

const stacks = [
  fixtureStack('acme-cluster-apps', { aws_eks_cluster: { Cluster: { name: 'apps' } } }),
  fixtureStack('acme-cluster-training', { aws_eks_cluster: { Cluster: { name: 'training' }, Other: { name: '${var.name}' } } }),
];

describe('severity per pack', () => {
  const r = rule('LOOM-ING-901', { baseline: 'MEDIUM', prod: 'HIGH' });

  it('takes the highest severity any pack in force gives', () => {
    expect(severityIn(['baseline'], r.severity)).toBe('MEDIUM');
    expect(severityIn(['baseline', 'prod'], r.severity)).toBe('HIGH');
    expect(severityIn(['regulated'], { baseline: 'LOW', regulated: 'CRITICAL' })).toBe('CRITICAL');
  });

  it('makes CRITICAL and HIGH errors, MEDIUM and LOW warnings, and an undecidable finding a warning whatever its severity', () => {
    const baseline = checkPolicies(stacks, SETTINGS, [], [r]);
    expect(baseline.findings.map((f) => [f.path, f.level, f.unknown])).toEqual([
      ['acme-cluster-apps/aws_eks_cluster/Cluster', 'warning', false],
      ['acme-cluster-training/aws_eks_cluster/Cluster', 'warning', false],
      ['acme-cluster-training/aws_eks_cluster/Other', 'warning', true],
    ]);
    const prod = checkPolicies(stacks, { ...SETTINGS, packs: ['baseline', 'prod'] }, [], [r]);
    expect(prod.findings.map((f) => f.level)).toEqual(['error', 'error', 'warning']);
    expect(prod.summary).toMatchObject({ errors: 2, warnings: 1, unknown: 1, excepted: 0, rules: 1, resources: 3 });
  });
});

describe('exceptions', () => {
  const r = rule('LOOM-ING-902', { baseline: 'HIGH' });
  const ex = (resource: string, expires = '2027-03-01'): PolicyException => ({ rule: 'LOOM-ING-902', resource, reason: 'reviewed by the platform team, ticket PLAT-12', expires });

  it('covers the findings whose construct path or stack/address matches the glob, and says which exception did', () => {
    const report = checkPolicies(stacks, SETTINGS, [ex('acme-cluster-training/**'), ex('acme-cluster-apps/aws_eks_cluster.Cluster')], [r]);
    expect(report.findings.map((f) => [f.path, f.excepted, f.exception?.index])).toEqual([
      ['acme-cluster-apps/aws_eks_cluster/Cluster', true, 1],
      ['acme-cluster-training/aws_eks_cluster/Cluster', true, 0],
      ['acme-cluster-training/aws_eks_cluster/Other', true, 0],
    ]);
    expect(report.summary).toMatchObject({ errors: 0, excepted: 3 });
    expect(report.exceptions.map((e) => [e.status, e.covered])).toEqual([
      ['applied', 2],
      ['applied', 1],
    ]);
  });

  it('reports an exception that matched nothing as unused, and one for another rule covers nothing', () => {
    const report = checkPolicies(stacks, SETTINGS, [ex('acme-network/**'), { ...ex('**'), rule: 'LOOM-ING-904' }], [r]);
    expect(report.summary.errors).toBe(2);
    expect(report.exceptions.map((e) => e.status)).toEqual(['unused', 'unused']);
  });

  it('stops applying an expired exception and says so on the findings it would have covered', () => {
    const report = checkPolicies(stacks, SETTINGS, [ex('acme-cluster-apps/**', '2026-11-29')], [r]);
    const apps = report.findings.find((f) => f.stack === 'acme-cluster-apps')!;
    expect(apps.excepted).toBe(false);
    expect(apps.message).toMatch(/exception 0 expired on 2026-11-29/);
    expect(report.exceptions[0]).toMatchObject({ status: 'expired', note: 'expired on 2026-11-29: its findings are back' });
    // Still applies on its last day.
    expect(checkPolicies(stacks, SETTINGS, [ex('acme-cluster-apps/**', '2026-11-30')], [r]).exceptions[0]!.status).toBe('applied');
  });

  it('never lets an exception silence an unsuppressible rule in prod, and says why; outside prod it applies', () => {
    const strict = rule('LOOM-ING-903', { baseline: 'CRITICAL' }, { suppressible: false });
    const e: PolicyException = { ...ex('**'), rule: 'LOOM-ING-903' };
    const prod = checkPolicies(stacks, SETTINGS, [e], [strict]);
    expect(prod.summary.errors).toBe(2);
    expect(prod.exceptions[0]).toMatchObject({ status: 'rejected' });
    expect(exceptionProblems([e], SETTINGS, [strict])).toEqual([{ path: 'policies.exceptions[0].rule', message: expect.stringMatching(/^LOOM-ING-903 cannot be excepted in prod \(test rule\); fix the resource instead: fix it/) }]);
    expect(checkPolicies(stacks, { ...SETTINGS, environment: 'staging' }, [e], [strict]).summary).toMatchObject({ errors: 0, excepted: 3 });
  });

  it('rejects an unknown rule id with a did-you-mean, and a glob that does not compile', () => {
    expect(exceptionProblems([{ rule: 'LOOM-ING-01', resource: '**', reason: 'x'.repeat(20) }], { environment: 'dev' })).toEqual([
      { path: 'policies.exceptions[0].rule', message: "unknown rule 'LOOM-ING-01'; did you mean 'LOOM-ING-001'?" },
    ]);
    expect(exceptionProblems([{ rule: 'LOOM-ING-001', resource: '[', reason: 'x'.repeat(20) }], { environment: 'dev' }, RULES).map((p) => p.path)).toEqual([]);
  });
});

describe('the spec checks exceptions itself', () => {
  const withExceptions = (exceptions: unknown[], environment = 'prod') => {
    const r = validateSpec(awsSpec({ environment, policies: { packs: ['baseline', 'prod'], exceptions } }), { today: '2026-11-30' });
    return (r.ok ? lines(r.warnings) : lines([...r.errors, ...r.warnings])).filter((l) => l.startsWith('policies.'));
  };
  const base = { rule: 'LOOM-IAM-004', resource: 'acme-services/Registry/**', reason: 'Harbor cannot use IRSA (goharbor/harbor#22690); key rotated quarterly' };

  it('wants a reason of at least 20 characters', () => {
    expect(withExceptions([{ ...base, reason: 'too short', expires: '2027-01-01' }])).toContainEqual(expect.stringMatching(/^policies\.exceptions\[0\]\.reason: /));
  });

  it('in prod wants an expiry, at most 180 days ahead', () => {
    expect(withExceptions([base])).toContainEqual(expect.stringMatching(/^policies\.exceptions\[0\]\.expires: required in prod/));
    expect(withExceptions([{ ...base, expires: '2027-06-01' }])).toContainEqual(expect.stringMatching(/^policies\.exceptions\[0\]\.expires: at most 180 days ahead in prod, got 2027-06-01 \(183 days from 2026-11-30\)/));
    expect(withExceptions([{ ...base, expires: '2027-05-29' }])).toEqual([]);
    expect(withExceptions([base], 'dev')).toEqual([]);
  });

  it('warns that an expired exception no longer applies', () => {
    expect(withExceptions([{ ...base, expires: '2026-11-01' }])).toEqual(['policies.exceptions[0].expires: expired on 2026-11-01: its findings are back; renew the exception or fix the finding']);
  });
});

describe('findings a rule marks unsuppressible', () => {
  it('stay in prod whatever exception matches them, and the exception says why; the rule\'s other findings can be excepted', () => {
    const mixed: PolicyRule = {
      ...rule('LOOM-ING-905', { baseline: 'HIGH' }),
      evaluate: (ctx) => ctx.resources('aws_eks_cluster').map((r) => ({ resource: r, message: 'x', ...(r.name === 'Cluster' ? { suppressible: false } : {}) })),
    };
    const e: PolicyException = { rule: 'LOOM-ING-905', resource: '**', reason: 'reviewed by the platform team, ticket PLAT-12', expires: '2027-01-01' };
    const prod = checkPolicies(stacks, SETTINGS, [e], [mixed]);
    expect(prod.findings.map((f) => [f.path, f.excepted])).toEqual([
      ['acme-cluster-apps/aws_eks_cluster/Cluster', false],
      ['acme-cluster-training/aws_eks_cluster/Cluster', false],
      ['acme-cluster-training/aws_eks_cluster/Other', true],
    ]);
    expect(prod.exceptions[0]).toMatchObject({ status: 'applied', covered: 1, note: 'may not cover 2 findings that cannot be excepted in prod' });
    expect(checkPolicies(stacks, { ...SETTINGS, environment: 'dev' }, [e], [mixed]).summary.excepted).toBe(3);
  });
});
