import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { login } from './helpers/auth';

// Three small approved training cases (tests/workflows/e2e-training-data.ts) keep the tiny run to well under a minute.
test.beforeAll(() => {
  execFileSync('npx', ['tsx', '--conditions=react-server', 'tests/workflows/e2e-training-data.ts'], {
    env: { ...process.env, ...E2E_ENV },
    stdio: 'inherit',
  });
});

async function fillStartForm(page: import('@playwright/test').Page) {
  await page.goto('/runs');
  const form = page.getByRole('form', { name: 'Start a training run' });
  await form.getByLabel('Start from').selectOption('scratch');
  await form.getByLabel('Configuration preset').selectOption('tiny');
  await form.getByLabel('Runner').selectOption('LOCAL');
  return form;
}

test('an ML engineer starts a training run by hand and watches its progress bar and log', async ({ page }) => {
  test.setTimeout(180_000);
  await login(page, 'ML_ENGINEER');
  const form = await fillStartForm(page);
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  const status = page.getByTestId('run-status');
  const bar = page.getByRole('progressbar', { name: 'Training progress' });
  const log = page.getByLabel('Run log');
  const lossPoints = page.getByTestId('curve-loss').locator('[data-points]');
  // The page opened before the trainer reported anything: every point below arrives through the page's polling.
  await expect(lossPoints).toHaveAttribute('data-points', '0');
  // Live: the bar moves and trainer lines arrive while the run is RUNNING, without reloading the page.
  await expect(status).toHaveText('RUNNING');
  await expect(log).toContainText('training cases');
  await expect(log).toContainText(/epoch 1 step \d+\/\d+ loss/, { timeout: 120_000 });
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(5);
  await expect.poll(async () => Number(await lossPoints.getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('curve-loss').locator('svg [aria-label="line"] path')).toBeAttached();
  await expect(status).toHaveText('SUCCEEDED', { timeout: 150_000 });
  await expect(bar).toHaveAttribute('aria-valuenow', '100');

  // A finished run keeps its curves: loss at every reported step, and the validation Dice of its one epoch.
  await page.reload();
  await expect.poll(async () => Number(await lossPoints.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('curve-loss').locator('svg [aria-label="line"] path')).toBeAttached();
  await expect(page.getByTestId('curve-dice').locator('svg [aria-label="dot"] circle').first()).toBeAttached();
  const lossSvg = page.getByTestId('curve-loss').locator('svg').first();
  expect(Number(await lossSvg.getAttribute('height'))).toBeGreaterThanOrEqual(300);
  await expect(page.getByText(/Registered model tumorwatch-seg@0\.1\.0-run\.\S+/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download the full log' })).toBeVisible();

  // The run's snapshot is on the Datasets page, beside the progress toward the next automatic retraining.
  await page.goto('/datasets');
  await expect(page.getByTestId('retrain-progress')).toHaveText(/^\d+ \/ \d+$/);
  await expect(page.getByRole('table', { name: 'Snapshots' })).toContainText(/manual-\d+/);
  await expect(page.getByRole('table', { name: 'Snapshots' })).toContainText('TRAIN 3');
});

test('a radiologist cannot start a run: the page is refused, and so is the action itself', async ({ page, browser }) => {
  await login(page, 'RADIOLOGIST');
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/forbidden$/);

  // The form as an ML engineer rendered it, submitted after the session became a radiologist's: only the server
  // can refuse this, since the page was allowed when it was rendered.
  const context = await browser.newContext();
  const mlPage = await context.newPage();
  await login(mlPage, 'ML_ENGINEER');
  const form = await fillStartForm(mlPage);
  await context.clearCookies();
  const other = await context.newPage();
  await login(other, 'RADIOLOGIST');
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(form.getByRole('alert')).toHaveText(/Your role .*does not allow this action\./);
  await expect(mlPage).toHaveURL(/\/runs$/);
  await context.close();
});
