/**
 * Guardrails over what was synthesized: the catalogue's rules, the packs, the spec's exceptions,
 * and the gate `loom synth` passes its output through before it replaces the previous one.
 */
import { evaluationDate } from '../catalog/today';
import { SpecValidationError } from '../schema/issues';
import type { PlatformSpec } from '../schema/schema';
import { checkPolicies, exceptionProblems, type PolicyException, type PolicyReport } from './engine';
import { readSynthDirectory } from './stacks';
import type { PolicyRule, PolicySettings, SynthStack } from './types';
import { RULES } from './rules';

export * from './types';
export * from './engine';
export * from './acknowledgements';
export { RULES };
export { readSynthDirectory, ruleContext, stackFromJson } from './stacks';

/** What the engine needs from a spec: its settings and its exceptions. */
export interface SpecPolicies {
  /** The settings (environment, packs, residency, cloud, date). */
  readonly settings: PolicySettings;
  /** `policies.exceptions`. */
  readonly exceptions: readonly PolicyException[];
}

/** The policy settings and exceptions of a validated spec. */
export function specPolicies(spec: PlatformSpec, today = evaluationDate()): SpecPolicies {
  return {
    settings: {
      environment: spec.environment,
      packs: spec.policies.packs,
      allowedRegions: spec.dataResidency?.allowedRegions ?? [],
      managedServicesForbidden: spec.dataResidency?.managedServices === 'forbidden',
      cloud: spec.cloud,
      today,
    },
    exceptions: spec.policies.exceptions,
  };
}

/** Synthesized output that breaks an error-level rule of its packs: nothing is written. */
export class PolicyViolation extends Error {
  /** The whole report (warnings and excepted findings too). */
  readonly report: PolicyReport;
  constructor(report: PolicyReport) {
    super(`${report.summary.errors} error-level policy finding${report.summary.errors === 1 ? '' : 's'} (packs: ${report.packs.join(', ')})`);
    this.name = 'PolicyViolation';
    this.report = report;
  }
}

/**
 * Checks stacks against the packs: the exceptions first (an unknown rule or an unsuppressible one
 * in prod is a spec problem, thrown as {@link SpecValidationError}), then every rule.
 */
export function checkStacks(stacks: readonly SynthStack[], policies: SpecPolicies, source = 'policies', rules: readonly PolicyRule[] = RULES): PolicyReport {
  // Exceptions may name any rule of the catalogue, and of a pack of your own.
  const known = [...RULES, ...rules.filter((r) => !RULES.includes(r))];
  const problems = exceptionProblems(policies.exceptions, policies.settings, known);
  if (problems.length) throw new SpecValidationError(problems, source);
  return checkPolicies(stacks, policies.settings, policies.exceptions, rules);
}

/**
 * The synth gate: checks the directory a synth wrote; throws {@link PolicyViolation} when an
 * unexcepted error-level finding remains, else returns the report (its warnings to print).
 */
export function policyGate(dir: string, policies: SpecPolicies, rules: readonly PolicyRule[] = RULES): PolicyReport {
  const report = checkStacks(readSynthDirectory(dir), policies, 'policies', rules);
  if (report.summary.errors > 0) throw new PolicyViolation(report);
  return report;
}
