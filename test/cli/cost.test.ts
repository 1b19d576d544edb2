/**
 * `loom cost`: every example in every format, the JSON contract for tools, usage files and their
 * errors, a region without prices, and the time it takes (under a second on the default example).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loom } from '../helpers/cli';

const root = join(__dirname, '..', '..');
const example = (f: string) => join(root, 'examples', f);
const EXAMPLES = ['aws-platform.yaml', 'aws-buy-everything.yaml', 'aws-minimal.yaml', 'gcp-platform.yaml', 'onprem-sovereign.yaml'];
const dir = mkdtempSync(join(tmpdir(), 'loom-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe.each(EXAMPLES)('loom cost %s', (f) => {
  it('prints the JSON contract: currency, region, price book, platform, components with build, buy and pivot, warnings', () => {
    const { code, stdout } = loom('cost', example(f), '--format', 'json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ currency: 'USD', priceBook: { version: expect.any(String), date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }, platform: { monthly: expect.any(Number) } });
    expect(typeof r.region).toBe('string');
    expect(Array.isArray(r.warnings)).toBe(true);
    for (const c of r.components) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['name', 'mode', 'build', 'buy', 'pivot']));
      expect(c.build).toEqual({ monthly: expect.any(Number), lines: expect.any(Array) });
      for (const l of c.build.lines) expect(l).toMatchObject({ item: expect.any(String), monthly: expect.any(Number), source: expect.any(String) });
      if (r.cloud === 'kubernetes') {
        expect(c.buy).toBeNull();
        continue;
      }
      expect(c.buy.lines.length).toBeGreaterThan(0);
      expect(c.pivot).toMatchObject({ driver: expect.any(String), unit: expect.any(String) });
      for (const k of ['value', 'atRateMinus50', 'atRatePlus50']) expect(c.pivot[k] === null || typeof c.pivot[k] === 'number', k).toBe(true);
    }
  });

  it('prints a table and Markdown with every component and the platform totals', () => {
    const table = loom('cost', example(f));
    const md = loom('cost', example(f), '--format', 'markdown');
    expect(table.code).toBe(0);
    expect(md.code).toBe(0);
    const r = JSON.parse(loom('cost', example(f), '--format', 'json').stdout);
    for (const c of r.components) {
      expect(table.stdout).toContain(`${c.name} — ${c.mode} today`);
      expect(md.stdout).toContain(`| ${c.name} | ${c.mode} |`);
    }
    expect(table.stdout).toContain('current mix');
    expect(md.stdout).toMatch(/\| \*\*current mix\*\* \| \*\*\$[\d,]+\.\d\d\*\* \|/);
  });
});

describe('loom cost (the command)', () => {
  it('takes a usage file, and its figures move the costs', () => {
    const small = file('small.yaml', 'size: small\n');
    const busy = file('busy.yaml', 'size: small\nworkload:\n  registry: { storedGb: 5000 }\n');
    const at = (usage: string) => JSON.parse(loom('cost', example('aws-platform.yaml'), '--usage', usage, '--format', 'json').stdout);
    const a = at(small);
    const b = at(busy);
    expect(a.usage).toMatchObject({ size: 'small', fromFile: true });
    const registry = (r: { components: { name: string; buy: { monthly: number } }[] }) => r.components.find((c) => c.name === 'registry')!.buy.monthly;
    expect(registry(b) - registry(a)).toBeCloseTo((5000 - 50) * 0.1, 1);
  });

  it('rejects a bad usage file with every problem at its path (exit 1)', () => {
    const bad = file('bad.yaml', 'size: huge\nlabour: { hourlyRate: -1 }\nworkload: { streaming: { brokers: 4 } }\n');
    const { code, stderr } = loom('cost', example('aws-platform.yaml'), '--usage', bad);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}: 3 problems`);
    expect(stderr).toContain('labour.hourlyRate: must be >= 0, got number -1');
    expect(stderr).toContain("size: must be one of small | medium | large, got 'huge'");
    expect(stderr).toContain('workload.streaming.brokers: unknown key');
  });

  it('a usage file that is missing or not YAML is a usage error (exit 2)', () => {
    expect(loom('cost', example('aws-platform.yaml'), '--usage', join(dir, 'nope.yaml')).code).toBe(2);
    expect(loom('cost', example('aws-platform.yaml'), '--usage', file('broken.yaml', 'size: [small\n')).code).toBe(2);
    expect(loom('cost', example('aws-platform.yaml'), '--format', 'xml').code).toBe(2);
  });

  it('names the regions the price book has when the spec\'s region has no prices (exit 1)', () => {
    const spec = file('tokyo.yaml', 'name: tokyo\ncloud: aws\nregion: ap-northeast-1\nclusters:\n  - { name: apps, flavour: microservice, nodePools: [{ name: general, machineTypes: [m7i.large], maxNodes: 3 }] }\ncomponents:\n  registry: { mode: buy }\n');
    const { code, stderr } = loom('cost', spec);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no aws prices for 'ap-northeast-1'; it has us-east-1, us-west-2, eu-west-1/);
  });

  it('the README\'s worked example is what `loom cost` says of the default example', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Worked example: the default spec.**'));
    const r = JSON.parse(loom('cost', example('aws-platform.yaml'), '--format', 'json').stdout);
    const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    for (const c of r.components) {
      const row = section.split('\n').find((l: string) => l.startsWith(`| ${c.name} |`));
      expect(row, c.name).toBeDefined();
      expect(row, c.name).toContain(usd(c.build.monthly));
      expect(row, c.name).toContain(usd(c.buy.monthly));
      expect(row, c.name).toContain(`| ${c.mode} |`);
    }
    const whole = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
    expect(section).toContain(`The current mix costs **${whole(r.platform.alternatives.current)}** a month; everything bought, ${whole(r.platform.alternatives.allBuy)}; everything built, ${whole(r.platform.alternatives.allBuild)}.`);
    expect(section).toContain(`Building anything costs ${whole(r.platform.shared.monthly)} a month`);
  });

  it('takes the example usage file', () => {
    const { code, stdout } = loom('cost', example('aws-platform.yaml'), '--usage', join(root, 'examples', 'usage', 'small-team.yaml'), '--format', 'json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).usage).toEqual({ size: 'small', fromFile: true, hourlyRate: Math.round((150_000 / 1_700) * 100) / 100 });
  });

  const bin = join(root, 'dist', 'cli', 'main.js');
  it.skipIf(!existsSync(bin))('is not loaded by `loom synth` (the cost model, its price book and usage schema stay out of a synth)', () => {
    const out = join(dir, 'synth-out');
    const script = `
      const { run } = require(${JSON.stringify(bin)});
      const code = run(['synth', ${JSON.stringify(example('aws-minimal.yaml'))}, '--out', ${JSON.stringify(out)}]);
      const loaded = Object.keys(require.cache).filter((f) => /(plan[\\/]cost|catalog[\\/]prices|schema[\\/]usage|cli[\\/]cost)\.js$/.test(f));
      process.stdout.write('\\n' + JSON.stringify({ code, loaded }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim().split('\n').pop()!);
    expect(result).toEqual({ code: 0, loaded: [] });
  });

  it.skipIf(!existsSync(bin))('runs in under a second on the default example (compiled; CPU time of the whole process, which other tests on the machine do not inflate)', () => {
    // The process reports its own CPU time (start-up, module loading, pricing, printing) on stderr.
    const script = `require(${JSON.stringify(bin)}).run(['cost', ${JSON.stringify(example('aws-platform.yaml'))}]);
      const u = process.resourceUsage(); process.stderr.write(String((u.userCPUTime + u.systemCPUTime) / 1000));`;
    const cpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      cpu.push(Number(r.stderr.trim().split('\n').pop()));
    }
    expect(Math.min(...cpu)).toBeLessThan(1000);
  });
});
