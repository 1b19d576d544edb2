/**
 * Fixtures for policy rules: tiny synthesized stacks written as the JSON cdktf emits (a resource's
 * blocks as objects, repeated blocks as lists, `//.metadata.path` for the construct path), the
 * rule run over them, and the examples' synthesized stacks with their spec's settings.
 */
import { join } from 'node:path';
import type { PlatformSpec } from '../../schema/schema';
import { ruleContext, stackFromJson } from '../../policies/stacks';
import { specPolicies } from '../../policies';
import type { PolicyRule, PolicySettings, RuleFinding, SynthStack } from '../../policies/types';
import { specFromFile, synthSpec } from '../helpers/synth';

/** Settings of a prod AWS platform under the baseline pack, evaluated on 2026-11-30. */
export const SETTINGS: PolicySettings = { environment: 'prod', packs: ['baseline'], allowedRegions: [], managedServicesForbidden: false, cloud: 'aws', today: '2026-11-30' };

/** Resources by type and name, as a stack's `resource` block holds them. */
export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Extra top-level blocks of a fixture stack. */
export interface StackExtras {
  /** `data` sources by type and name. */
  readonly data?: Resources;
  /** `provider` blocks by provider. */
  readonly provider?: Record<string, unknown>;
  /** `terraform` block (backend, required providers). */
  readonly terraform?: Record<string, unknown>;
  /** `output` block. */
  readonly output?: Record<string, unknown>;
}

/**
 * A fixture stack named `name` holding `resources`; each resource gets a construct path
 * `<name>/<type>/<resource name>` unless it gives its own `//`.
 */
export function fixtureStack(name: string, resources: Resources, extras: StackExtras = {}): SynthStack {
  const withPaths: Resources = {};
  for (const [type, byName] of Object.entries(resources)) {
    withPaths[type] = {};
    for (const [n, values] of Object.entries(byName)) withPaths[type]![n] = { '//': { metadata: { path: `${name}/${type}/${n}`, uniqueId: n } }, ...values };
  }
  return stackFromJson(name, { resource: withPaths, ...extras });
}

/** Runs one rule over stacks. */
export function runRule(rule: PolicyRule, stacks: SynthStack | readonly SynthStack[], settings: Partial<PolicySettings> = {}): readonly RuleFinding[] {
  return rule.evaluate(ruleContext(Array.isArray(stacks) ? stacks : [stacks as SynthStack], { ...SETTINGS, ...settings }));
}

/** `address: message` of each finding (the resource's address, or the location's path), for exact assertions. */
export const addresses = (findings: readonly RuleFinding[]) =>
  findings.map((f) => ('type' in f.resource ? f.resource.address : (f.resource.address ?? f.resource.path)) + (f.unknown ? ' (unknown)' : '') + (f.detail ? ` [${f.detail}]` : ''));

const examplesDir = join(__dirname, '..', '..', 'examples');

/** The settings a spec gives the engine (what `loom synth` and `loom check` use). */
export const settingsOf = (spec: PlatformSpec, today = '2026-11-30'): PolicySettings => specPolicies(spec, today).settings;

/** A spec's synthesized stacks (without the policy gate, once per worker: `synthSpec`) and its settings. */
export function specStacks(spec: PlatformSpec): { stacks: SynthStack[]; settings: PolicySettings } {
  const out = synthSpec(spec);
  return { settings: settingsOf(spec), stacks: Object.entries(out.stacks).map(([name, json]) => stackFromJson(name, json)) };
}

/** An example's synthesized stacks (without the policy gate, once per worker) and its settings. */
export function exampleStacks(file: string): { stacks: SynthStack[]; settings: PolicySettings; spec: PlatformSpec } {
  const spec = specFromFile(join(examplesDir, file));
  return { spec, ...specStacks(spec) };
}

/** `stack address [detail]` of each finding of `rule` over an example. */
export function onExample(rule: PolicyRule, file: string): string[] {
  const { stacks, settings } = exampleStacks(file);
  const findings = runRule(rule, stacks, settings);
  const a = addresses(findings);
  return findings.map((f, i) => `${f.resource.stack} ${a[i]}`);
}

/** {@link onExample} for every example, by file. */
export const onExamples = (rule: PolicyRule): Record<string, string[]> => Object.fromEntries(EXAMPLES.map((f) => [f, onExample(rule, f)]));

/** The YAML examples. */
export const EXAMPLES = ['aws-platform.yaml', 'aws-buy-everything.yaml', 'aws-minimal.yaml', 'gcp-platform.yaml', 'onprem-sovereign.yaml'] as const;
