/**
 * `npm run soak`: the 1,000-job soak alone, in a forked worker with `--expose-gc` so it can sample the heap
 * after a forced collection (the plain suite runs a 200-job version without heap figures).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/unit/soak.test.ts'],
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 60 * 60_000,
  },
});
