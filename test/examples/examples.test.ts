/**
 * Every example synthesizes, and its whole output is pinned by one snapshot per stack, so that
 * any change to what Loom generates shows up in review.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { buildHandComposed } from '../../examples/typescript/hand-composed';
import { readStacks, specFromFile, synthSpec } from '../helpers/synth';

const examplesDir = join(__dirname, '..', '..', 'examples');
const specs = readdirSync(examplesDir).filter((f) => /\.ya?ml$/.test(f)).sort();

describe('examples', () => {
  it.each(specs)('%s synthesizes to its snapshot', (file) => {
    const out = synthSpec(specFromFile(join(examplesDir, file)));
    try {
      expect(Object.keys(out.stacks).length).toBeGreaterThan(0);
      for (const [name, stack] of Object.entries(out.stacks)) {
        expect(stack).toMatchSnapshot(name);
      }
    } finally {
      out.cleanup();
    }
  });

  it('typescript/hand-composed.ts synthesizes to its snapshot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-ts-example-'));
    try {
      const app = new App({ outdir: dir });
      buildHandComposed(app);
      app.synth();
      const stacks = readStacks(dir);
      expect(Object.keys(stacks)).toEqual(['research-cluster-gpu', 'research-network']);
      for (const [name, stack] of Object.entries(stacks)) expect(stack).toMatchSnapshot(name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
