/**
 * One measured synth in a fresh process, so that peak memory (max RSS) is the synth's own.
 * Prints one JSON line: { mode, ms, cpuMs, maxRssMb, stacks, providerPackages } (cpuMs: user + system CPU time of
 * the whole process, start-up included, which other load on the machine hardly changes).
 *
 *   node dist/bench/synth-once.js bare|spec <file>|spec-no-policies <file>|generated <count>
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [mode = 'bare', arg] = process.argv.slice(2);
const started = process.hrtime.bigint();
const out = mkdtempSync(join(tmpdir(), 'loom-bench-'));
let stacks = 0;
try {
  if (mode === 'bare') {
    // The baseline: a cdktf app with one stack and nothing else.
    const { App, TerraformStack } = require('../constructs/core/cdk') as typeof import('../constructs/core/cdk');
    const app = new App({ outdir: out });
    new TerraformStack(app, 'bare');
    app.synth();
  } else {
    const { synthToDirectory } = require('../cli/synth') as typeof import('../cli/synth');
    const { validateSpec, loadSpecFile } = require('../schema/load') as typeof import('../schema/load');
    let spec;
    if (mode === 'spec' || mode === 'spec-no-policies') spec = loadSpecFile(arg!).spec;
    else {
      const { generatedSpec } = require('./generate') as typeof import('./generate');
      const r = validateSpec(generatedSpec(Number(arg ?? 20)));
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      spec = r.spec;
    }
    // spec-no-policies: the same synth without the policy packs, to show what the packs cost.
    synthToDirectory(spec, join(out, 'cdktf.out'), { policies: mode !== 'spec-no-policies' });
  }
  stacks = readdirSync(join(out, mode === 'bare' ? '' : 'cdktf.out', 'stacks')).length;
} finally {
  rmSync(out, { recursive: true, force: true });
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const usage = process.resourceUsage();
const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
// Which provider packages the synth had to load: a platform should load its own cloud's only.
const providerPackages = [...new Set(Object.keys(require.cache).flatMap((f) => /@cdktf\/(provider-[a-z]+)/.exec(f)?.[1] ?? []))].sort();
process.stdout.write(`${JSON.stringify({ mode, arg, ms: Math.round(ms), cpuMs, maxRssMb: Math.round(usage.maxRSS / 1024), stacks, providerPackages })}\n`);
