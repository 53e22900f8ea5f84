import { defineConfig } from '@playwright/test';

/**
 * Lectern's real-browser suite (tests/e2e). Debian Chromium with the e2e build loaded
 * (see tests/e2e/fixtures.ts and ../shared/test-contract.md).
 *
 * - one worker: the machines have 2 cores and the browser context is worker-scoped;
 * - no retries: a flaky test must show up as a failure, not be retried into a pass;
 * - `list` prints "N passed" at the end; the JSON report is what .ci/run parses to prove
 *   that the suite really ran (results > 0, nothing skipped).
 */
export default defineConfig({
  testDir: './tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/artifacts',
  use: {
    // the context is created by tests/e2e/fixtures.ts (persistent, extension loaded)
    trace: 'off',
  },
});
