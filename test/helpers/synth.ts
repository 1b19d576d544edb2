/**
 * Synthesizing specs and stacks for tests, and finding resources in the result by type and
 * attribute (never by position).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthToDirectory } from '../../cli/synth';
import { App } from '../../constructs/core/cdk';
import { MlPlatform } from '../../stacks/ml-platform';
import { validateSpec } from '../../schema/load';
import { parseSpecText } from '../../schema/load';
import type { PlatformSpec } from '../../schema/schema';
import { formatIssues } from '../../schema/issues';

/** A synthesized stack's Terraform JSON. */
export type StackJson = {
  terraform?: { backend?: Record<string, Record<string, unknown>>; required_providers?: Record<string, { source: string; version?: string }> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
};

export interface Synthesized {
  readonly dir: string;
  readonly stacks: Record<string, StackJson>;
  /** Directory of one stack (for terraform). */
  stackDir(name: string): string;
  cleanup(): void;
}

/** Validates a plain spec object, failing loudly with every problem. */
export function specFrom(input: unknown): PlatformSpec {
  const r = validateSpec(input);
  if (!r.ok) throw new Error(`test spec is invalid:\n${formatIssues(r.errors)}`);
  return r.spec;
}

/** Reads and validates a spec file. */
export function specFromFile(file: string): PlatformSpec {
  return specFrom(parseSpecText(readFileSync(file, 'utf8'), file));
}

/** Reads every stack of a cdktf output directory. */
export function readStacks(dir: string): Record<string, StackJson> {
  const stacks: Record<string, StackJson> = {};
  for (const name of readdirSync(join(dir, 'stacks')).sort()) {
    stacks[name] = JSON.parse(readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
  }
  return stacks;
}

/**
 * Synthesized directories by spec, shared by the test files a worker runs (vitest runs them with
 * `isolate: false`): the same spec is synthesized once per worker. Each caller gets its own parsed
 * stacks; the directories are removed when the worker exits, never by a caller (whose `cleanup`
 * is then a no-op), so none may be written into — tests copy a stack before running Terraform.
 */
const synthesized = new Map<string, string>();
let removeAtExit = false;

/** Synthesizes a spec (or reuses this worker's synthesis of the same spec); see {@link synthesized}. */
export function synthSpec(spec: PlatformSpec | unknown): Synthesized {
  const parsed = isValidated(spec) ? spec : specFrom(spec);
  // The environment a synth reads (existing clusters' kubeconfig files, the evaluation date) is part of the key.
  const key = JSON.stringify([parsed, process.env.KUBECONFIG ?? '', process.env.LOOM_TODAY ?? '']);
  let out = synthesized.get(key);
  if (!out) {
    const dir = mkdtempSync(join(tmpdir(), 'loom-test-'));
    out = join(dir, 'out');
    // Without the policy gate: these tests look at what is synthesized; the packs have their own
    // tests (test/policies), the examples' included.
    synthToDirectory(parsed, out, { policies: false });
    synthesized.set(key, out);
    if (!removeAtExit) {
      removeAtExit = true;
      process.on('exit', () => {
        for (const o of synthesized.values()) rmSync(join(o, '..'), { recursive: true, force: true });
      });
    }
  }
  const dir = out;
  return {
    dir,
    stacks: readStacks(dir),
    stackDir: (name) => join(dir, 'stacks', name),
    cleanup: () => undefined,
  };
}

function isValidated(spec: unknown): spec is PlatformSpec {
  // A validated spec has every default applied, e.g. `policies` and `state`.
  return typeof spec === 'object' && spec !== null && 'policies' in spec && 'state' in spec && 'dataResidency' in spec;
}

/** Every resource of `type` in a stack, by Terraform name. */
export function resources(stack: StackJson, type: string): Record<string, Record<string, unknown>> {
  return stack.resource?.[type] ?? {};
}

/** Resources of `type` whose attributes include `partial` (deep, partial match). */
export function findResources(stack: StackJson, type: string, partial: Record<string, unknown> = {}): Record<string, unknown>[] {
  return Object.values(resources(stack, type)).filter((r) => matches(r, partial));
}

/** The single resource of `type` matching `partial`; throws when there is not exactly one. */
export function findResource(stack: StackJson, type: string, partial: Record<string, unknown> = {}): Record<string, unknown> {
  const found = findResources(stack, type, partial);
  if (found.length !== 1) throw new Error(`expected exactly one ${type} matching ${JSON.stringify(partial)}, found ${found.length}`);
  return found[0]!;
}

/** Deep partial match: objects by key, arrays element-wise by position. */
export function matches(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => matches(actual[i], e));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
}

/** Names of the Terraform providers a stack requires, e.g. ['aws']. */
export function providerNames(stack: StackJson): string[] {
  return Object.keys(stack.terraform?.required_providers ?? {}).sort();
}

/**
 * The warnings constructing the platform of `spec` annotates (`@cdktf/warn`), without writing
 * anything: what `loom synth` prints beside the stacks.
 */
export function constructionWarnings(spec: PlatformSpec | unknown): string[] {
  const parsed = isValidated(spec) ? spec : specFrom(spec);
  const app = new App({ outdir: join(tmpdir(), 'loom-unwritten'), skipValidation: true });
  new MlPlatform(app, parsed.name, parsed as any);
  return app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
}
