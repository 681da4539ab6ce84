import { defineConfig } from '@playwright/test';

// Each test starts its own simulator and browser profile. Two workers on two cores: most of the suite's time is
// the product's own real-time waits (backoff, timeouts, polling), which overlap well; E2E_WORKERS overrides.
export default defineConfig({
  testDir: 'tests/e2e',
  workers: Number(process.env.E2E_WORKERS ?? 2),
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : 'list',
  use: { trace: 'off' },
});
