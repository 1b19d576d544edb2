/**
 * The CI side of the CLI: `loom stacks` (apply order from the synthesized dependencies), `loom ci
 * github` (a workflow whose job graph is the stacks' dependency graph), `loom schema` (the JSON
 * Schema every example validates against), `loom --version` and `--help` (stdin: bin.test.ts).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse, parseDocument } from 'yaml';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/main';
import { applyOrder, type StackInfo } from '../../cli/stacks';
import { validateSpec } from '../../schema/load';
import { resolvePlan } from '../../plan';
import type { PlatformSpec } from '../../schema/schema';

function loom(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    return { code: run(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const root = mkdtempSync(join(tmpdir(), 'loom-ci-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const EXAMPLES = readdirSync('examples').filter((f) => f.endsWith('.yaml')).map((f) => join('examples', f));

/** `loom stacks --format json` of a spec, synthesized once per spec for the whole file. */
const stacksCache = new Map<string, StackInfo[]>();
function stacksOf(spec: string): StackInfo[] {
  const cached = stacksCache.get(spec);
  if (cached) return cached;
  const { code, stdout } = loom(['stacks', spec, '--format', 'json']);
  expect(code).toBe(0);
  const stacks = JSON.parse(stdout) as StackInfo[];
  stacksCache.set(spec, stacks);
  return stacks;
}

describe('loom stacks', () => {
  it.each(EXAMPLES)('%s: lists every synthesized stack once, each after every stack it reads', (spec) => {
    const stacks = stacksOf(spec);
    const out = join(root, spec.replace(/\W/g, '_'));
    expect(run(['synth', spec, '--out', out])).toBe(0);
    expect(stacks.map((s) => s.name).sort()).toEqual(readdirSync(join(out, 'stacks')).sort());
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { stacks: Record<string, { dependencies: string[] }> };
    const position = new Map(stacks.map((s, i) => [s.name, i]));
    for (const s of stacks) {
      expect(s.reads).toEqual([...manifest.stacks[s.name]!.dependencies].sort());
      for (const r of s.reads) expect(position.get(r)!).toBeLessThan(position.get(s.name)!);
    }
  });

  it('prints the apply order as text, with what each stack holds and reads', () => {
    const { code, stdout } = loom(['stacks', 'examples/aws-platform.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Apply in this order \(destroy in reverse\):/);
    expect(stdout).toMatch(/1\. acme-network .*\n\s+holds: network/);
    expect(stdout).toMatch(/acme-addons-apps[\s\S]*reads: acme-cluster-apps/);
  });

  it('rejects an unknown --format with exit 2', () => {
    expect(loom(['stacks', 'examples/aws-platform.yaml', '--format', 'xml']).code).toBe(2);
  });

  it('orders by dependencies, not by name, and reports a cycle', () => {
    const s = (name: string, kind: StackInfo['kind'], reads: string[]): StackInfo => ({ name, kind, directory: `stacks/${name}`, reads, resources: {}, helmReleases: [], providers: [], variables: [] });
    expect(applyOrder([s('a-addons', 'addons', ['z-cluster']), s('z-cluster', 'cluster', ['m-network']), s('m-network', 'network', [])]).map((x) => x.name)).toEqual([
      'm-network',
      'z-cluster',
      'a-addons',
    ]);
    expect(() => applyOrder([s('a', 'addons', ['b']), s('b', 'addons', ['a'])])).toThrow(/cycle: a, b/);
  });
});

describe('loom ci github', () => {
  it.each(EXAMPLES)('%s: a plan and an apply job per stack, each needing the jobs of the stacks it reads', (spec) => {
    const stacks = stacksOf(spec);
    const { code, stdout } = loom(['ci', 'github', spec]);
    expect(code).toBe(0);
    const wf = parse(stdout) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { needs?: string[]; if?: string; steps: { run?: string; uses?: string; with?: Record<string, unknown> }[]; defaults?: { run: { 'working-directory': string } } }> };
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.permissions['id-token']).toBe('write');
    for (const phase of ['plan', 'apply']) {
      for (const s of stacks) {
        const job = wf.jobs[`${phase}-${s.name}`]!;
        expect(job.needs!.sort()).toEqual(['synth', ...s.reads.map((r) => `${phase}-${r}`)].sort());
        expect(job.if).toContain(phase === 'plan' ? 'pull_request' : "'push'");
        expect(job.defaults!.run['working-directory']).toBe(`cdktf.out/${s.directory}`);
        expect(job.steps.map((st) => st.run ?? '').join('\n')).toMatch(phase === 'plan' ? /terraform plan/ : /terraform apply -input=false -auto-approve/);
        // Terraform runs on what `loom synth` wrote, never a cdktf re-synth.
        expect(JSON.stringify(job.steps)).not.toMatch(/cdktf (synth|diff|deploy)/);
      }
    }
    expect(wf.jobs.synth!.steps.map((s) => s.run ?? '')).toContain(`npx loom synth ${spec} --out cdktf.out`);
    expect(Object.keys(wf.jobs)).toHaveLength(1 + 2 * stacks.length);
  });

  it('assumes the AWS role through OIDC, never with stored keys, and passes stack inputs from secrets', () => {
    const { stdout } = loom(['ci', 'github', 'examples/aws-platform.yaml', '--aws-role-arn', 'arn:aws:iam::123456789012:role/ci']);
    expect(stdout).toContain('role-to-assume: arn:aws:iam::123456789012:role/ci');
    expect(stdout).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
  });

  it('writes the workflow to --out, creating parents', () => {
    const file = join(root, 'repo', '.github', 'workflows', 'platform.yml');
    expect(loom(['ci', 'github', 'examples/aws-minimal.yaml', '--out', file]).code).toBe(0);
    expect(parse(readFileSync(file, 'utf8'))).toHaveProperty('jobs.synth');
  });
});

describe('loom schema', () => {
  const { code, stdout } = loom(['schema']);
  const schema = JSON.parse(stdout) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);

  it('prints a JSON Schema generated from the zod schema', () => {
    expect(code).toBe(0);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema).toHaveProperty('properties.clusters.items.properties.flavour.enum', ['microservice', 'streaming', 'batch']);
  });

  it.each(EXAMPLES)('%s validates against it', (spec) => {
    const ok = validate(parse(readFileSync(spec, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects an unknown key, as loom validate does', () => {
    expect(validate({ name: 'acme', cloud: 'aws', region: 'us-east-1', clusters: [{ name: 'a', flavour: 'batch', nodePools: [] }], colour: 'blue' })).toBe(false);
  });
});

describe('loom --version and --help', () => {
  it('--version prints the package version', () => {
    const { code, stdout } = loom(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  it('--help lists the exit codes and an example for each command', () => {
    for (const argv of [['--help'], ['validate', '--help'], ['synth', '--help'], ['stacks', '--help'], ['ci', 'github', '--help'], ['schema', '--help']]) {
      const { code, stdout } = loom(argv);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Exit codes:\n\s+0 +success\n\s+1 .*\n\s+2 /);
      expect(stdout).toMatch(/Examples:\n\s+loom /);
    }
  });
});

describe('loom validate --explain', () => {
  it.each(EXAMPLES)('%s: prints plain YAML with derived defaults resolved, which validates as it is and explains to itself', (spec) => {
    const first = loom(['validate', spec, '--explain']);
    expect(first.code).toBe(0);
    const doc = parseDocument(first.stdout);
    expect(doc.errors).toEqual([]);
    // no anchors or aliases
    expect(first.stdout).not.toMatch(/(^|[\s:-])[&*][a-z0-9]+\b/m);
    const explained = doc.toJS() as PlatformSpec;
    const again = validateSpec(explained);
    expect(again.ok).toBe(true);
    // derived defaults are written out
    for (const c of explained.clusters) for (const p of c.nodePools ?? []) expect(typeof p.spot).toBe('boolean');
    // every component that runs on a cluster names it (bought pipelines on a platform without a batch cluster runs on none)
    const placed = new Map(resolvePlan(again.spec!).components.map((c) => [c.name, c.cluster]));
    for (const [name, comp] of Object.entries(explained.components)) if (comp) expect((comp as { cluster?: string }).cluster, name).toBe(placed.get(name as never));
    if (Object.keys(explained.components).length) expect([...placed.values()].filter((c) => c !== undefined).length).toBeGreaterThan(0);
    if (explained.cloud !== 'kubernetes') expect(explained.network?.availabilityZones?.length).toBeGreaterThan(0);
    // explaining the explained spec changes nothing
    const dir = mkdtempSync(join(root, 'explain-'));
    const file = join(dir, 'explained.yaml');
    writeFileSync(file, first.stdout);
    const second = loom(['validate', file, '--explain']);
    expect(parseDocument(second.stdout).toJS()).toEqual(explained);
  });
});

describe('the committed JSON Schema', () => {
  it('is what `loom schema` prints (regenerate with `npm run schema`)', () => {
    const { stdout } = loom(['schema']);
    expect(JSON.parse(readFileSync('schema/platform.schema.json', 'utf8'))).toEqual(JSON.parse(stdout));
  });

  it.each(EXAMPLES)('%s points YAML language servers at it', (spec) => {
    expect(readFileSync(spec, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/platform.schema.json');
  });
});
