/**
 * Atomic synthesis: the app writes into a fresh directory beside the output, which replaces the
 * output only once everything succeeded. On any failure the output directory is left exactly as
 * it was.
 */
import { existsSync, mkdtempSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { App } from '../constructs/core/cdk';
import type { PlatformSpec } from '../spec/schema';
import { MlPlatform } from '../stacks/ml-platform';

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: string[];
}

/** Synthesizes `spec` into `outDir` atomically. */
export function synthToDirectory(spec: PlatformSpec, outDir: string): SynthResult {
  const target = resolve(outDir);
  const parent = dirname(target);
  const staging = mkdtempSync(join(parent, `.loom-${basename(target)}-`));
  try {
    const app = new App({ outdir: staging, skipValidation: false });
    new MlPlatform(app, spec);
    app.synth();
    const stacks = existsSync(join(staging, 'stacks')) ? readdirSync(join(staging, 'stacks')).sort() : [];
    swapInto(staging, target);
    return { outDir: target, stacks };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Replaces `target` with `staging` by renames, so readers never see a half-written tree. */
function swapInto(staging: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const old = `${staging}-previous`;
  renameSync(target, old);
  try {
    renameSync(staging, target);
  } catch (e) {
    renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
