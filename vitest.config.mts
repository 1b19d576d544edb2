import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lets production code's lazy, per-cloud requires find the modules vitest loaded (see the file).
    setupFiles: ['./test/setup/lazy-modules.ts'],
    // Real terraform runs take seconds each; everything else is fast.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
