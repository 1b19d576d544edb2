/**
 * Atomic synthesis: the app writes into a fresh directory beside the output, which replaces the
 * output only once everything succeeded. On any failure the output directory is left exactly as
 * it was.
 */
import { existsSync, mkdtempSync, renameSync, rmSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { App } from '../constructs/core/cdk';
import type { PlatformSpec } from '../spec/schema';
import { SpecInputError } from '../spec/load';
import { MlPlatform } from '../stacks/ml-platform';

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: string[];
}

/** Synthesizes `spec` into `outDir` atomically. */
export function synthToDirectory(spec: PlatformSpec, outDir: string): SynthResult {
  const target = resolve(outDir);
  const parent = dirname(target);
  // Usage problems (CLI exit 2), caught before anything is written: the swap below would replace
  // a file at `target` (say, the spec itself) with the output directory.
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new SpecInputError(`${outDir}: the output path exists and is not a directory; choose another --out`);
  }
  let staging: string;
  try {
    staging = mkdtempSync(join(parent, `.loom-${basename(target)}-`));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `${parent} does not exist` : code === 'EACCES' ? `no permission to write in ${parent}` : String((e as Error).message);
    throw new SpecInputError(`${outDir}: cannot create the output directory (${why})`);
  }
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
