/**
 * Real Terraform on every AWS example (the YAML ones and the hand-composed TypeScript one):
 *  - every stack whose providers are in the mirror (network, cluster-*, services: the AWS provider
 *    5.100.0, from the local filesystem mirror) is `terraform validate`d; those of the examples in
 *    {@link PLANNED} — every kind of AWS-only stack Loom makes, the services stack of every
 *    component in both modes among them — are also planned offline, in the same workdir after one init: mock credentials, a local backend, each `terraform_remote_state` faked with a
 *    fabricated state file holding the producer's outputs, and AWS calls made at plan time
 *    (sts:GetCallerIdentity) answered by a fake endpoint on 127.0.0.1 (see helpers/terraform.ts).
 * Stacks whose providers are not in the mirror (Kubernetes, Helm) are listed as skipped; without
 * terraform or a mirror the whole file skips, saying so.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../constructs/core/cdk';
import { buildHandComposed } from '../../examples/typescript/hand-composed';
import {
  describeSkip,
  hasProvider,
  requiredProviders,
  runPool,
  terraformEnv,
  terraformPlan,
  terraformValidateAsync,
} from '../helpers/terraform';
import { readStacks, specFromFile, synthSpec, type StackJson, type Synthesized } from '../helpers/synth';

/**
 * The stacks planned as well as validated: every stack of the default example (network, three
 * cluster flavours, services with built and bought components) and the buy-everything example's
 * services stack (every bought component). The others are of the same constructs: validated only,
 * to keep the suite short.
 */
const PLANNED = new Set(['aws-platform.yaml', 'aws-buy-everything.yaml']);
const planned = (ref: { example: string; stack: string }) => ref.example === 'aws-platform.yaml' || (ref.example === 'aws-buy-everything.yaml' && ref.stack.endsWith('-services'));

/** Each real terraform test runs many init+validate/plan cycles, two at a time. */
const TF_TEST_TIMEOUT_MS = 600_000;

const env = terraformEnv();
if (!env.available) console.warn(describeSkip(env));

const examplesDir = join(__dirname, '..', '..', 'examples');
const awsExamples = readdirSync(examplesDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .filter((f) => /^cloud:\s*aws\s*$/m.test(readFileSync(join(examplesDir, f), 'utf8')));

interface Output {
  name: string;
  dir: string;
  stacks: Record<string, StackJson>;
  cleanup(): void;
}

interface StackRef {
  example: string;
  stack: string;
  dir: string;
  json: StackJson;
}

function allStacks(outputs: Output[]): StackRef[] {
  return outputs.flatMap((o) =>
    Object.keys(o.stacks)
      .sort()
      .map((stack) => ({ example: o.name, stack, dir: join(o.dir, 'stacks', stack), json: o.stacks[stack] })),
  );
}

function synthHandComposed(): Output {
  const root = mkdtempSync(join(tmpdir(), 'loom-ts-example-'));
  const app = new App({ outdir: root });
  buildHandComposed(app);
  app.synth();
  return { name: 'typescript/hand-composed.ts', dir: root, stacks: readStacks(root), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Resource blocks without count/for_each: each must appear in the plan exactly once. */
function singleResourceCount(stack: StackJson): number {
  let n = 0;
  for (const byName of Object.values(stack.resource ?? {})) {
    for (const block of Object.values(byName)) if (block.count === undefined && block.for_each === undefined) n++;
  }
  return n;
}

function hasIteratedResources(stack: StackJson): boolean {
  return Object.values(stack.resource ?? {}).some((byName) => Object.values(byName).some((b) => b.count !== undefined || b.for_each !== undefined));
}

describe.skipIf(!env.available)('terraform against the real AWS provider', () => {
  const outputs: Output[] = [];
  /** Every stack whose providers are in the mirror, validated and planned once (both tests read it). */
  let runs: Promise<{ refs: StackRef[]; results: (Awaited<ReturnType<typeof terraformPlan>> & { planned?: false })[]; wall: number }> | undefined;
  const validateAndPlan = (refs: StackRef[]) => {
    runs ??= (async () => {
      const started = Date.now();
      const results = await runPool(refs, async (ref) => {
        if (planned(ref)) return terraformPlan(ref.dir, { validate: true });
        const validation = await terraformValidateAsync(ref.dir);
        return { ok: validation.ok, output: validation.output, validation, fakes: [], awsRequests: [], millis: 0, planned: false };
      });
      return { refs, results, wall: (Date.now() - started) / 1000 };
    })();
    return runs;
  };
  beforeAll(() => {
    for (const f of awsExamples) {
      const s: Synthesized = synthSpec(specFromFile(join(examplesDir, f)));
      outputs.push({ name: f, dir: s.dir, stacks: s.stacks, cleanup: s.cleanup });
    }
    outputs.push(synthHandComposed());
  });
  afterAll(() => outputs.forEach((o) => o.cleanup()));

  it('finds the AWS examples', () => {
    expect(awsExamples).toContain('aws-platform.yaml');
    expect(awsExamples).toContain('aws-minimal.yaml');
  });

  it(
    'validates every stack whose providers are in the mirror, and names the ones it cannot',
    async () => {
      const skipped: string[] = [];
      const runnable: StackRef[] = [];
      for (const ref of allStacks(outputs)) {
        const missing = requiredProviders(ref.dir).filter((p) => !hasProvider(env, p));
        if (missing.length) skipped.push(`${ref.example}:${ref.stack} (no ${missing.join(', ')} in the mirror)`);
        else runnable.push(ref);
      }
      const { results, wall } = await validateAndPlan(runnable);
      const failures = runnable
        .map((ref, i) => ({ ref, result: results[i]!.validation ?? { ok: false, output: results[i]!.output } }))
        .filter(({ result }) => !result.ok)
        .map(({ ref, result }) => `${ref.example}: terraform validate ${ref.stack}\n${result.output}`);
      if (skipped.length) console.warn(`terraform validate skipped ${skipped.length} stack(s) whose providers are not on this machine:\n  ${skipped.join('\n  ')}`);
      console.info(`terraform validate passed on ${runnable.length - failures.length}/${runnable.length} AWS stack(s) (validated and planned in ${wall.toFixed(1)}s)`);
      expect(failures, failures.join('\n\n')).toEqual([]);
      expect(runnable.length).toBeGreaterThanOrEqual(outputs.length * 2);
    },
    TF_TEST_TIMEOUT_MS,
  );

  it(
    'plans every network, cluster and services stack of the planned examples offline, with remote state faked',
    async () => {
      // Every stack that needs only the AWS provider; add-ons stacks need Kubernetes/Helm.
      const aws = allStacks(outputs).filter((ref) => {
        const providers = requiredProviders(ref.dir);
        return providers.length > 0 && providers.every((p) => p === 'hashicorp/aws');
      });
      for (const o of outputs.filter((x) => x.name === 'aws-platform.yaml')) {
        const names = aws.filter((r) => r.example === o.name).map((r) => r.stack);
        expect(names.filter((n) => n.endsWith('-network')), `${o.name}: network stack`).toHaveLength(1);
        expect(names.filter((n) => /-cluster-/.test(n)).length, `${o.name}: cluster stacks`).toBeGreaterThan(0);
      }
      expect(aws.map((r) => r.stack)).toContain('acme-services');

      // The same runs as the validation's: every stack in the mirror is an AWS-only one.
      const all = await validateAndPlan(allStacks(outputs).filter((ref) => requiredProviders(ref.dir).every((p) => hasProvider(env, p))));
      expect(all.refs.map((r) => `${r.example}:${r.stack}`)).toEqual(aws.map((r) => `${r.example}:${r.stack}`));
      const { results, wall } = all;
      expect(outputs.filter((o) => PLANNED.has(o.name)).map((o) => o.name).sort()).toEqual([...PLANNED].sort());

      const failures: string[] = [];
      const table: string[] = [];
      aws.forEach((ref, i) => {
        const r = results[i];
        if (!planned(ref)) return;
        const id = `${ref.example}:${ref.stack}`;
        const faked = r.fakes.reduce((n, s) => n + Object.keys(s.outputs).length, 0);
        const calls = [...new Set(r.awsRequests.map((q) => `${q.service}:${q.action}${q.answered ? '' : ' (refused)'}`))];
        table.push(
          `  ${id.padEnd(52)} ${r.ok ? `${r.summary?.add ?? '?'} to add`.padEnd(11) : 'FAILED     '} ${(r.millis / 1000).toFixed(1).padStart(5)}s  ${faked} remote output(s) faked; AWS calls: ${calls.join(', ') || 'none'}`,
        );
        if (!r.ok || !r.summary) {
          failures.push(`${id}: terraform plan failed\n${r.output}`);
          return;
        }
        const single = singleResourceCount(ref.json);
        // A plan of a fresh stack adds every resource and changes/destroys nothing.
        if (r.summary.change !== 0 || r.summary.destroy !== 0 || r.summary.add === 0) failures.push(`${id}: unexpected plan ${JSON.stringify(r.summary)}`);
        if (hasIteratedResources(ref.json) ? r.summary.add < single : r.summary.add !== single) {
          failures.push(`${id}: plan adds ${r.summary.add} resources, the stack declares ${single} single resource block(s)`);
        }
        // Cross-stack references really went through the fakes.
        const remote = Object.keys(ref.json.data?.terraform_remote_state ?? {});
        if (remote.length !== r.fakes.length) failures.push(`${id}: ${remote.length} remote state data source(s), ${r.fakes.length} faked`);
        if (ref.json.data?.aws_caller_identity && !r.awsRequests.some((q) => q.service === 'sts' && q.action === 'GetCallerIdentity' && q.answered)) {
          failures.push(`${id}: aws_caller_identity did not go through the fake STS endpoint`);
        }
      });
      console.info(`terraform plan of ${table.length} AWS stack(s) (the others validated) in ${wall.toFixed(1)}s wall clock:\n${table.join('\n')}`);
      expect(failures, failures.join('\n\n')).toEqual([]);
      // every stack of the default example, and every bought component's services stack
      expect(table.filter((l) => l.includes('aws-platform.yaml:')).length).toBe(aws.filter((r) => r.example === 'aws-platform.yaml').length);
      expect(table.some((l) => l.includes('aws-buy-everything.yaml:smallco-services'))).toBe(true);

      // The fabricated remote state is exercised: cluster stacks read the network's subnets, services reads clusters.
      const clusterPlans = aws.map((ref, i) => ({ ref, r: results[i] })).filter(({ ref }) => planned(ref) && /-cluster-/.test(ref.stack));
      for (const { ref, r } of clusterPlans) expect(r.fakes.map((s) => s.producer), ref.stack).toContain(ref.stack.replace(/-cluster-.+$/, '-network'));
    },
    TF_TEST_TIMEOUT_MS,
  );
});
