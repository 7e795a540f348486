import { execFileSync, spawn } from 'node:child_process';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { login } from './helpers/auth';

/**
 * Access hardening as a browser meets it: security headers on pages and files, imaging not cached past sign-out,
 * sessions that end when sign-out, deactivation, a role change or a password reset says so (the old cookie replayed
 * afterwards is refused), sign-in throttling, and a server that will not start with a guessable session secret.
 */
const PASSWORD = 'e2e account passphrase';

function account(...args: string[]) {
  execFileSync('npx', ['tsx', '--conditions=react-server', 'tests/auth/e2e-accounts.ts', ...args], {
    env: { ...process.env, ...E2E_ENV },
    stdio: 'inherit',
  });
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs a fresh account in, applies `change`, then replays the session cookie in a new browser context. */
async function replayAfter(browser: Browser, email: string, change: (page: Page) => Promise<void>) {
  account('create', email, PASSWORD);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  await expect(page.getByTestId('current-user')).toBeVisible();
  const cookies = await context.cookies();
  await change(page);
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await again.goto('/cases');
  await expect(again).toHaveURL(/\/login/);
  const api = await replay.request.get('/api/runs/none');
  expect(api.status()).toBe(401);
  await Promise.all([context.close(), replay.close()]);
}

test.describe('security headers and caching', () => {
  test('pages send CSP, frame and sniffing protections; the case viewer renders under the CSP', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto('/login');
    const h = res!.headers();
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).toContain("default-src 'self'");
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('same-origin');
    expect(h['permissions-policy']).toContain('camera=()');
    await login(page, 'RADIOLOGIST');
    // the list is paged newest first and other specs add cases: search for the real ones
    await page.goto('/cases?q=TCGA-');
    await page.getByRole('link', { name: /TCGA-/ }).first().click();
    await expect(page.locator('canvas').first()).toBeVisible();
    const volume = page.waitForResponse((r) => r.url().includes('/api/blobs/') && r.status() === 200);
    await page.reload();
    const blob = await volume;
    expect(blob.headers()['cache-control']).toBe('private, no-cache');
    expect(blob.headers()['etag']).toMatch(/^"[0-9a-f]{64}"$/);
    expect(violations).toEqual([]);
  });

  test('sign-out clears the browser cache and the old cookie no longer works', async ({ browser }) => {
    await replayAfter(browser, 'signout@e2e.tumorwatch', async (page) => {
      const out = page.waitForResponse((r) => r.url().includes('/api/auth/signout') && r.request().method() === 'POST');
      await page.getByRole('button', { name: /sign out/i }).click();
      expect((await (await out).allHeaders())['clear-site-data']).toBe('"cache"');
      await expect(page).toHaveURL(/\/login/);
    });
  });
});

test.describe('sessions end at once', () => {
  test('after deactivation', async ({ browser }) => {
    await replayAfter(browser, 'deactivated@e2e.tumorwatch', async () => account('deactivate', 'deactivated@e2e.tumorwatch'));
  });
  test('after a role change', async ({ browser }) => {
    await replayAfter(browser, 'rolechange@e2e.tumorwatch', async () => account('role', 'rolechange@e2e.tumorwatch', 'PHYSICIAN'));
  });
  test('after a password reset', async ({ browser }) => {
    await replayAfter(browser, 'reset@e2e.tumorwatch', async () => account('reset', 'reset@e2e.tumorwatch', 'another e2e passphrase'));
  });
});

test('repeated wrong passwords lock the account, even against the right one', async ({ page }) => {
  account('create', 'throttled@e2e.tumorwatch', PASSWORD);
  for (let i = 0; i < 5; i++) {
    await signIn(page, 'throttled@e2e.tumorwatch', `wrong guess ${i}`);
    await expect(page.locator('form [role="alert"]')).toContainText(/incorrect|Too many/);
  }
  await signIn(page, 'throttled@e2e.tumorwatch');
  await expect(page.locator('form [role="alert"]')).toContainText('Too many failed sign-ins');
  await expect(page).toHaveURL(/\/login/);
});

test('production refuses to start with a guessable NEXTAUTH_SECRET, saying why', async () => {
  const child = spawn('npx', ['next', 'start', '-p', '3199'], {
    env: {
      ...process.env,
      ...E2E_ENV,
      NODE_ENV: 'production',
      NEXTAUTH_SECRET: 'tumorwatch-secret-2026',
      NEXTAUTH_URL: 'http://localhost:3199',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 90_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(output).toContain('TumorWatch cannot start');
  expect(output).toContain('NEXTAUTH_SECRET');
  expect(code).toBe(1);
});
