import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers/auth';

/**
 * Surveillance, first step: physician flags reach the review queue, radiologists claim queued cases, the monitoring
 * page draws its charts, and a shifted case ingested through the API comes out as a drifter with reasons.
 * The demo seed (e2e/global-setup.ts) ingests the two real cases and synthetic domain-A cases SYN-A-7-*.
 */
const IN_DISTRIBUTION = 'SYN-A-7-00000';

async function openCase(page: Page, externalId: string) {
  await page.goto('/cases');
  await page.getByRole('link', { name: externalId, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(externalId);
}

const queueRow = (page: Page, externalId: string) =>
  page.getByRole('table', { name: 'Review queue' }).getByRole('row').filter({ hasText: externalId });

test('a physician flags an in-distribution case and it appears in the review queue', async ({ page }) => {
  await login(page, 'PHYSICIAN');
  await openCase(page, IN_DISTRIBUTION);
  const form = page.getByRole('form', { name: 'Flag this prediction' });
  await form.getByLabel('Missed lesion').check();
  await form.getByLabel('Note (optional)').fill('e2e: a second focus in the right frontal lobe is not segmented');
  await form.getByRole('button', { name: 'Flag prediction' }).click();
  await expect(form.getByRole('status')).toHaveText('Flag recorded: the case is in the review queue.');

  await page.goto('/review');
  await expect(queueRow(page, IN_DISTRIBUTION)).toContainText('Missed lesion');
  await page.goto('/review?reason=MISSED_LESION');
  await expect(queueRow(page, IN_DISTRIBUTION)).toHaveCount(1);
  await page.goto('/review?reason=FALSE_POSITIVE');
  await expect(queueRow(page, IN_DISTRIBUTION)).toHaveCount(0);
});

test('a radiologist claims a flagged case and can release it', async ({ page }) => {
  await login(page, 'RADIOLOGIST');
  await page.goto('/review');
  const row = queueRow(page, IN_DISTRIBUTION);
  await row.getByRole('button', { name: 'Assign to me' }).click();
  await expect(row.getByRole('button', { name: 'Unassign' })).toBeVisible();
  await expect(row).toContainText('You');
  await page.goto('/review?assignment=mine');
  await expect(queueRow(page, IN_DISTRIBUTION)).toHaveCount(1);
  await queueRow(page, IN_DISTRIBUTION).getByRole('button', { name: 'Unassign' }).click();
  await expect(queueRow(page, IN_DISTRIBUTION)).toHaveCount(0);
});

test('the monitoring page renders its charts', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto('/monitoring');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Monitoring');
  // lines (with circle markers) in the time series, bars in every histogram, step lines in every ECDF
  await expect(page.getByTestId('chart-rates').locator('svg [aria-label="line"] path').first()).toBeAttached();
  await expect(page.getByTestId('chart-volumes').locator('svg [aria-label="line"] path').first()).toBeAttached();
  const hist = page.locator('[data-testid^="histogram-"] svg [aria-label="rect"] rect');
  await expect(hist.first()).toBeAttached();
  expect(await hist.count()).toBeGreaterThan(4);
  await expect(page.locator('[data-testid^="ecdf-"] svg [aria-label="line"] path').first()).toBeAttached();
  // the split control redraws per site
  await page.getByLabel('Split by').selectOption('site');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/split=site/);
  await expect(page.getByTestId('chart-rates').locator('svg [aria-label="line"] path').first()).toBeAttached();
});

test('a thick-slice case ingested through the API becomes a drifter with reasons', async ({ page }) => {
  test.setTimeout(300_000);
  const out = path.resolve('data/e2e/cohort-thick');
  execFileSync(
    'npx',
    [
      'tsx',
      '--conditions=react-server',
      'scripts/cohort.ts',
      '--domain',
      'A',
      '--seed',
      'e2e-shift',
      '--n',
      '1',
      '--shift',
      'thick-slices',
      '--out',
      out,
    ],
    { stdio: 'inherit' },
  );
  const cohort = JSON.parse(fs.readFileSync(path.join(out, 'cohort.json'), 'utf8')) as {
    cases: { caseId: string; files: Record<string, string> }[];
  };
  const c = cohort.cases[0];
  const file = (key: string) => ({
    name: path.basename(c.files[key]),
    mimeType: 'application/gzip',
    buffer: fs.readFileSync(path.join(out, c.files[key])),
  });

  await login(page, 'PHYSICIAN');
  const res = await page.request.post('/api/cases', {
    multipart: {
      metadata: JSON.stringify({ caseId: c.caseId, site: 'e2e-thick' }),
      t1n: file('T1N'),
      t1c: file('T1C'),
      t2w: file('T2W'),
      t2f: file('T2F'),
    },
  });
  expect([200, 201]).toContain(res.status());

  // the serving job segments the case and writes its drift report; the queue lists drifters with their first reason
  const row = queueRow(page, c.caseId);
  await expect(async () => {
    await page.goto('/review?reason=DRIFT&site=e2e-thick');
    await expect(row).toContainText('drifter', { timeout: 1000 });
  }).toPass({ timeout: 240_000 });
  await expect(row).toContainText('slice thickness 5.00 mm, model trained on 1.00 mm');
});
