// Chromium end-to-end tests: the built renderer against the real main-process services through
// the test bridge (test/e2e/bridge). Run `npm run build:renderer` first.
import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './test/e2e/helpers/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: chromiumLaunch,
  },
});
