import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The date the spec is judged against (catalog/today.ts): Kubernetes support windows decide
    // errors, warnings and EKS upgrade_policy.support_type, so tests and snapshots pin it.
    // KUBECONFIG empty: existing clusters' providers read ~/.kube/config unless a test sets it.
    // CDKTF_OUTDIR: an App built without an outdir writes into the temp dir, never the checkout.
    env: { LOOM_TODAY: '2026-11-30', KUBECONFIG: '', CDKTF_OUTDIR: join(tmpdir(), 'loom-vitest-cdktf.out') },
    // Lets production code's lazy, per-cloud requires find the modules vitest loaded (see the file).
    setupFiles: ['./test/setup/lazy-modules.ts'],
    // Real terraform runs take seconds each; everything else is fast.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './test/reporters/summary-line.ts'],
    projects: [
      // The performance budget measures CPU time of fresh processes: it runs first, alone, before
      // minutes of parallel test files and terraform plans leave the machine slower (on a shared
      // host, sustained load is throttled, which stretches the longer synth more than the bare app).
      { extends: true, test: { name: 'budget', include: ['test/bench/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      // Two test files at a time: most are one synth each (CPU, one thread), so two workers keep both
      // cores busy where the default (cores − 1) leaves one idle on a 2-core runner.
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/bench/**'], sequence: { groupOrder: 1 }, maxWorkers: 2, isolate: false } },
    ],
  },
});
