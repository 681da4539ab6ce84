import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    setupFiles: ['fake-indexeddb/auto'],
    restoreMocks: true,
    // Vitest leaves a core for itself by default: on a 2-core machine that runs the suite one file at a time
    // (132 s on a quiet machine, 88 s with both cores; docs/PERFORMANCE.md, The test loop).
    maxWorkers: availableParallelism(),
    // A guard against a hung test, not a speed check: on a shared, loaded machine a test that takes 1 s alone may
    // wait several for a core.
    testTimeout: 30_000,
  },
});
