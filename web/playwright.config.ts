import { defineConfig } from '@playwright/test'

// Browser tests drive Debian's Chromium (never a downloaded browser) against a real
// `mzflow dev` on a fresh data folder and free ports, started by e2e/global-setup.ts.
// Screenshots of each test's last page go to test-output/screenshots.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-output/playwright',
  globalSetup: './e2e/global-setup.ts',
  // One browser at a time: the machine has two cores and the server is shared.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    testIdAttribute: 'data-test',
    timezoneId: 'Asia/Shanghai',
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // The machine has no internet: keep Chromium from trying to reach Google's hosts.
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ],
    },
  },
})
