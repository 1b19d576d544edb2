/**
 * Real Terraform: every stack of every AWS example is `terraform validate`d against the real AWS
 * provider (5.100.0, from the local filesystem mirror), and every network stack is planned
 * offline with mock credentials. Stacks whose providers are not in the mirror (Kubernetes, Helm)
 * are listed as skipped; without terraform or a mirror the whole file skips, saying so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { buildHandComposed } from '../../examples/typescript/hand-composed';
import { describeSkip, hasProvider, requiredProviders, terraformEnv, terraformPlan, terraformValidate } from '../helpers/terraform';
import { specFromFile, synthSpec, type Synthesized } from '../helpers/synth';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const env = terraformEnv();
if (!env.available) console.warn(describeSkip(env));

const examplesDir = join(__dirname, '..', '..', 'examples');
const awsExamples = readdirSync(examplesDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .filter((f) => /^cloud:\s*aws\s*$/m.test(readFileSync(join(examplesDir, f), 'utf8')));

interface Output {
  name: string;
  dir: string;
  stacks: string[];
  cleanup(): void;
}

function stackDirs(o: Output) {
  return o.stacks.map((s) => ({ stack: s, dir: join(o.dir, 'stacks', s) }));
}

function synthHandComposed(): Output {
  const root = mkdtempSync(join(tmpdir(), 'loom-ts-example-'));
  const app = new App({ outdir: root });
  buildHandComposed(app);
  app.synth();
  return { name: 'typescript/hand-composed.ts', dir: root, stacks: readdirSync(join(root, 'stacks')).sort(), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

describe.skipIf(!env.available)('terraform against the real AWS provider', () => {
  const outputs: Output[] = [];
  beforeAll(() => {
    for (const f of awsExamples) {
      const s: Synthesized = synthSpec(specFromFile(join(examplesDir, f)));
      outputs.push({ name: f, dir: s.dir, stacks: Object.keys(s.stacks), cleanup: s.cleanup });
    }
    outputs.push(synthHandComposed());
  });
  afterAll(() => outputs.forEach((o) => o.cleanup()));

  it('finds the AWS examples', () => {
    expect(awsExamples).toContain('aws-platform.yaml');
    expect(awsExamples).toContain('aws-minimal.yaml');
  });

  it('validates every stack whose providers are in the mirror, and names the ones it cannot', () => {
    const skipped: string[] = [];
    let validated = 0;
    for (const o of outputs) {
      for (const { stack, dir } of stackDirs(o)) {
        const missing = requiredProviders(dir).filter((p) => !hasProvider(env, p));
        if (missing.length) {
          skipped.push(`${o.name}:${stack} (no ${missing.join(', ')} in the mirror)`);
          continue;
        }
        const result = terraformValidate(dir);
        expect(result.ok, `${o.name}: terraform validate ${stack}\n${result.output}`).toBe(true);
        validated++;
      }
    }
    if (skipped.length) console.warn(`terraform validate skipped ${skipped.length} stack(s) whose providers are not on this machine:\n  ${skipped.join('\n  ')}`);
    console.info(`terraform validate passed on ${validated} AWS stack(s)`);
    expect(validated).toBeGreaterThanOrEqual(outputs.length * 2);
  });

  it('plans every network stack offline with mock credentials', () => {
    for (const o of outputs) {
      const network = o.stacks.find((s) => s.endsWith('-network'));
      expect(network, o.name).toBeDefined();
      const result = terraformPlan(join(o.dir, 'stacks', network!));
      expect(result.ok, `${o.name}: terraform plan ${network}\n${result.output}`).toBe(true);
      expect(result.output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    }
  });
});
