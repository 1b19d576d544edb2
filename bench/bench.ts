/**
 * `npm run bench`: synth wall time (whole process, including Node start-up and module loading)
 * and peak memory, for a bare cdktf app, the default example and a generated 20-cluster spec.
 * Each case runs in fresh processes; the median of the runs is reported. Exits 1 when the
 * default example breaks its budget: within 5× a bare cdktf app and under 300 MB, and its policy
 * packs adding at most 30% to its synth (CPU time, the same synth without the packs beside it).
 */
import { execFileSync } from 'node:child_process';
import { basename, join, resolve } from 'node:path';

export interface Measurement {
  mode: string;
  arg?: string;
  ms: number;
  /** User + system CPU time of the process. */
  cpuMs: number;
  maxRssMb: number;
  stacks: number;
  /** The @cdktf provider packages the synth loaded. */
  providerPackages: string[];
}

/** The compiled runner, whether this file runs compiled (dist/bench) or from source (bench/). */
const ROOT = resolve(__dirname, basename(resolve(__dirname, '..')) === 'dist' ? '../..' : '..');
export const SYNTH_ONCE = join(ROOT, 'dist', 'bench', 'synth-once.js');

/** Runs one case `runs` times in fresh processes; returns the median time and the peak memory. */
export function measure(args: string[], runs = 3): Measurement {
  const results: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const line = execFileSync(process.execPath, [SYNTH_ONCE, ...args], { encoding: 'utf8', cwd: ROOT }).trim().split('\n').pop()!;
    const m = JSON.parse(line) as Measurement;
    // Wall time of the whole process: what a user waits for.
    m.ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    results.push(m);
  }
  results.sort((a, b) => a.ms - b.ms);
  const median = results[Math.floor(results.length / 2)]!;
  return { ...median, maxRssMb: Math.max(...results.map((r) => r.maxRssMb)) };
}

export const BUDGET = { timesBare: 5, maxRssMb: 300, policyShare: 0.3 } as const;

if (require.main === module) {
  const bare = measure(['bare']);
  const spec = process.env.LOOM_SPEC ?? 'examples/aws-platform.yaml';
  const example = measure(['spec', spec]);
  const withoutPolicies = measure(['spec-no-policies', spec]);
  const generated = measure(['generated', '20']);
  const rows = [
    ['bare cdktf app', bare],
    [`default example (${example.stacks} stacks)`, example],
    ['  the same without the policy packs', withoutPolicies],
    [`generated, 20 clusters (${generated.stacks} stacks)`, generated],
  ] as const;
  console.log('case'.padEnd(40), 'wall ms'.padStart(8), 'cpu ms'.padStart(8), 'peak MB'.padStart(8), '× bare'.padStart(7));
  for (const [name, m] of rows) {
    console.log(name.padEnd(40), String(m.ms).padStart(8), String(m.cpuMs).padStart(8), String(m.maxRssMb).padStart(8), (m.ms / bare.ms).toFixed(1).padStart(7));
  }
  const ratio = example.ms / bare.ms;
  const policyShare = example.cpuMs / withoutPolicies.cpuMs - 1;
  const ok = ratio <= BUDGET.timesBare && example.maxRssMb < BUDGET.maxRssMb && policyShare <= BUDGET.policyShare;
  console.log(`policy packs: +${example.cpuMs - withoutPolicies.cpuMs} ms CPU (+${Math.round(policyShare * 100)}% of the synth without them; budget ≤ ${BUDGET.policyShare * 100}%)`);
  console.log(`budget for the default example: ≤ ${BUDGET.timesBare}× bare, < ${BUDGET.maxRssMb} MB, packs ≤ +${BUDGET.policyShare * 100}% → ${ok ? 'within budget' : 'OVER BUDGET'}`);
  process.exitCode = ok ? 0 : 1;
}
