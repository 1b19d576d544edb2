/**
 * Atomic synthesis: the app writes into a fresh directory beside the output, which replaces the
 * output only once everything succeeded. On any failure the output directory is left exactly as
 * it was.
 *
 * Loom never deletes what it did not write: it replaces `--out` only when that directory is empty
 * or is a synthesis output (Loom's marker file, or cdktf's `manifest.json`), and it carries each
 * stack's Terraform working files (`.terraform/`, `.terraform.lock.hcl`) over into the new output,
 * as `cdktf synth` keeps them.
 *
 * Before the swap, the spec's policy packs run over the new output (policies/): an unexcepted
 * error-level finding stops the synth there, and the previous output stays as it was.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { App } from '../constructs/core/cdk';
import { withoutCreationStacks } from '../constructs/core/stack-traces';
import type { PlatformSpec } from '../schema/schema';
import { SpecInputError } from '../schema/load';
import { MlPlatform } from '../stacks/ml-platform';
import { policyGate, specPolicies, type PolicyReport, type PolicyRule, type PolicyViolation } from '../policies';

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: string[];
  /** The policy report of the output (its warnings and exceptions; errors stop the synth). */
  readonly policies?: PolicyReport;
}

/** Options of {@link synthToDirectory}. */
export interface SynthOptions {
  /**
   * Run the spec's policy packs over the output before it replaces the previous one; an
   * unexcepted error-level finding throws {@link PolicyViolation} and writes nothing.
   * @default true
   */
  readonly policies?: boolean;
  /**
   * The rules the gate runs: the catalogue, or your own pack (a list of {@link PolicyRule}s).
   * @default the catalogue (`RULES`)
   */
  readonly rules?: readonly PolicyRule[];
}

/** The file that marks a directory as Loom's output (and so replaceable by the next synth). */
export const OUTPUT_MARKER = '.loom-output.json';

/** Terraform's working files in a stack directory, which survive a re-synth. */
const TERRAFORM_WORKING_FILES = ['.terraform', '.terraform.lock.hcl'] as const;

/** Synthesizes `spec` into `outDir` atomically. */
export function synthToDirectory(spec: PlatformSpec, outDir: string, options: SynthOptions = {}): SynthResult {
  const target = resolve(outDir);
  const parent = dirname(target);
  // Usage problems (CLI exit 2), caught before anything is written.
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      throw new SpecInputError(`${outDir}: the output path exists and is not a directory; choose another --out`);
    }
    if (!isReplaceable(target)) {
      throw new SpecInputError(
        `${outDir}: the directory exists and is not a Loom output (it has no ${OUTPUT_MARKER} nor cdktf manifest.json); Loom replaces only its own output — choose an empty or new --out`,
      );
    }
  }
  const createdParent = makeParents(outDir, parent);
  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.loom-${basename(target)}-`));
    // mkdtemp makes 0700; the output gets the mode any directory the user creates gets.
    chmodSync(staging, 0o777 & ~process.umask());
  } catch (e) {
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    throw new SpecInputError(`${outDir}: cannot create the output directory (${ioReason(e, parent)})`);
  }
  try {
    withoutCreationStacks(() => {
      const app = new App({ outdir: staging, skipValidation: false });
      new MlPlatform(app, spec.name, spec);
      app.synth();
    });
    const stacks = existsSync(join(staging, 'stacks')) ? readdirSync(join(staging, 'stacks')).sort() : [];
    const policies = specPolicies(spec);
    // The gate: an error-level finding throws before anything replaces the previous output.
    const report = options.policies === false ? undefined : policyGate(staging, policies, options.rules);
    const { today: _today, ...settings } = policies.settings;
    writeFileSync(join(staging, OUTPUT_MARKER), `${JSON.stringify({ writtenBy: 'loom', platform: spec.name, stacks, policies: { ...settings, exceptions: policies.exceptions } }, null, 2)}\n`);
    swapInto(staging, target);
    return { outDir: target, stacks, ...(report ? { policies: report } : {}) };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (createdParent) rmSync(createdParent, { recursive: true, force: true });
    throw e;
  }
}

/** Whether `dir` holds no file at all, only (possibly nested) empty directories. */
function holdsNoFile(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).every((e) => e.isDirectory() && holdsNoFile(join(dir, e.name)));
}

/**
 * Whether `dir` may be replaced: it holds no file (nothing to lose), or a synth wrote it (Loom's
 * marker, cdktf's manifest).
 */
function isReplaceable(dir: string): boolean {
  const entries = readdirSync(dir);
  if (entries.includes(OUTPUT_MARKER) || holdsNoFile(dir)) return true;
  if (!entries.includes('manifest.json')) return false;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version?: unknown; stacks?: unknown };
    return typeof manifest.version === 'string' && typeof manifest.stacks === 'object' && manifest.stacks !== null;
  } catch {
    return false;
  }
}

/** `mkdir -p` of the output's parent; returns the topmost directory it created, to undo on failure. */
function makeParents(outDir: string, parent: string): string | undefined {
  try {
    return mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new SpecInputError(`${outDir}: cannot create the output directory (${ioReason(e, parent)})`);
  }
}

function ioReason(e: unknown, parent: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${parent} does not exist`;
  if (code === 'EACCES') return `no permission to write in ${parent}`;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `${parent} is not a directory`;
  return String((e as Error).message);
}

/**
 * Replaces `target` with `staging` by renames, so readers never see a half-written tree. Each
 * stack's Terraform working files move from the old output into the new one first.
 */
function swapInto(staging: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const moved = carryWorkingFiles(target, staging);
  const old = `${staging}-previous`;
  renameSync(target, old);
  try {
    renameSync(staging, target);
  } catch (e) {
    renameSync(old, target);
    for (const [from, to] of moved) renameSync(to, from);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Moves `.terraform/` and `.terraform.lock.hcl` of every stack still synthesized; returns the moves. */
function carryWorkingFiles(previous: string, next: string): [string, string][] {
  const moves: [string, string][] = [];
  const stacksDir = join(previous, 'stacks');
  if (!existsSync(stacksDir)) return moves;
  for (const stack of readdirSync(stacksDir)) {
    const into = join(next, 'stacks', stack);
    if (!existsSync(into)) continue;
    for (const name of TERRAFORM_WORKING_FILES) {
      const from = join(stacksDir, stack, name);
      if (!existsSync(from)) continue;
      const to = join(into, name);
      rmSync(to, { recursive: true, force: true });
      renameSync(from, to);
      moves.push([from, to]);
    }
  }
  return moves;
}
