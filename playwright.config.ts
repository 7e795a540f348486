import { defineConfig } from '@playwright/test';

/**
 * e2e runs against a production build (`next build` first; scripts/test.sh does it) served on its own port with its
 * own SQLite database and blob folder, reset and seeded by e2e/global-setup.ts before the server starts.
 */
const PORT = 3100;
export const E2E_ENV = {
  DATABASE_URL: 'file:./data/e2e/e2e.db',
  BLOB_ROOT: 'data/e2e/blobs',
  NEXTAUTH_URL: `http://localhost:${PORT}`,
  // no NEXTAUTH_SECRET: scripts/serve.sh provides one as it does for `npm run demo` (its own file under data/e2e)
  NEXTAUTH_SECRET_FILE: 'data/e2e/.nextauth-secret',
  WORKER_MODE: 'inline',
  NEXT_TELEMETRY_DISABLED: '1',
  // Two real cases and two synthetic in-distribution ones: enough for every spec, quick to segment.
  SEED_COHORT_CASES: '2',
  // The demo history (prisma/seed-history) locks a hold-out and moves models through the registry: the specs that share
  // this database build their own worlds, so it stays out; e2e/demo-walk.spec.ts seeds it on an app of its own.
  SEED_HISTORY: '0',
};

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--ignore-gpu-blocklist',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // Reset and seed first, in the same command: Playwright starts the web server before any globalSetup, and the
    // server's inline worker would otherwise hold the old database file open. Then the demo's own serve script.
    command: `npx tsx --conditions=react-server e2e/global-setup.ts && PORT=${PORT} bash scripts/serve.sh`,
    url: `http://localhost:${PORT}/login`,
    reuseExistingServer: false,
    timeout: 400_000,
    env: E2E_ENV,
    stdout: 'pipe',
  },
});
