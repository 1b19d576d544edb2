/**
 * Every example passes the packs it declares: zero unexcepted findings, every exception it
 * carries applied (none unused, expired or refused), and the synth gate lets it through.
 */
import { describe, expect, it } from 'vitest';
import { checkStacks, specPolicies } from '../../policies';
import { EXAMPLES, exampleStacks } from './helpers';

describe.each(EXAMPLES)('%s under its own packs', (file) => {
  it('has no unexcepted finding, and every exception it carries covers something with a reason', () => {
    const { spec, stacks } = exampleStacks(file);
    const report = checkStacks(stacks, specPolicies(spec, '2026-11-30'), file);
    expect(report.findings.filter((f) => !f.excepted).map((f) => `${f.findingId} ${f.path}: ${f.message}`)).toEqual([]);
    expect(report.exceptions.filter((e) => e.status !== 'applied').map((e) => `${e.index} ${e.status} ${e.note ?? ''}`)).toEqual([]);
    for (const e of report.exceptions) expect(e.exception.reason.length, `exception ${e.index}`).toBeGreaterThanOrEqual(40);
    expect(report.summary.rules).toBe(59);
  });
});
