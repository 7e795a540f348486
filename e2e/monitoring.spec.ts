import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
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

/** The height of the tallest svg in a chart (Plot's legends are small svgs beside the plot's own). */
const tallestSvg = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('svg')
    .evaluateAll((els) => Math.max(...els.map((e) => Number(e.getAttribute('height')) || 0)));

const xTicks = (page: Page, testId: string) => page.getByTestId(testId).locator('[aria-label="x-axis tick label"] text').allTextContents();

async function hoverCentre(page: Page, target: Locator) {
  await target.scrollIntoViewIfNeeded(); // the mouse only reaches what is in the viewport
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

/** Population thresholds in the e2e database (tests/drift/e2e-monitoring-settings.ts). */
const driftSettings = (mode: 'sensitive' | 'default') =>
  execFileSync('npx', ['tsx', '--conditions=react-server', 'tests/drift/e2e-monitoring-settings.ts', mode], {
    env: { ...process.env, ...E2E_ENV },
    stdio: 'inherit',
  });

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

  // readable at a glance: at least 300 px high, drawn at the width shown (labels keep their size), tooltips on hover
  for (const id of ['chart-rates', 'chart-volumes']) expect(await tallestSvg(page, id)).toBeGreaterThanOrEqual(300);
  expect(await tallestSvg(page, 'histogram-volume.WT')).toBeGreaterThanOrEqual(300);
  const plotSvg = page.getByTestId('chart-rates').locator('svg[class^="plot"]');
  const [drawn, shown] = await plotSvg.evaluate((el) => [Number(el.getAttribute('width')), el.getBoundingClientRect().width]);
  expect(Math.abs(drawn - shown)).toBeLessThan(2);
  await hoverCentre(page, page.getByTestId('chart-rates').locator('[aria-label="line"] path').first());
  await expect(page.getByTestId('chart-rates').locator('[aria-label="tip"]')).toContainText(/rate: \d+\.\d%/);
  await hoverCentre(page, page.getByTestId('histogram-volume.WT').locator('[aria-label="rect"] rect').first());
  await expect(page.getByTestId('histogram-volume.WT').locator('[aria-label="tip"]')).toContainText(/% of cases/);

  // the x axis names windows: case ranges for windows of N cases, dates for days
  await expect.poll(() => xTicks(page, 'chart-rates')).toContainEqual(expect.stringMatching(/^cases 1-\d+$/));
  await page.getByRole('combobox', { name: 'Window' }).selectOption('day');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/window=day/);
  await expect.poll(() => xTicks(page, 'chart-rates')).toContainEqual(expect.stringMatching(/^\d{1,2} [A-Z][a-z]{2}( \d{4})?$/));
  expect((await xTicks(page, 'chart-rates')).some((t) => /^\d+$/.test(t))).toBe(false);

  // the split control redraws per site
  await page.getByLabel('Split by').selectOption('site');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/split=site/);
  await expect(page.getByTestId('chart-rates').locator('svg [aria-label="line"] path').first()).toBeAttached();
});

test('drift alerts are grouped by window and quantity and lead to the cases behind them and the review queue', async ({ page }) => {
  driftSettings('sensitive');
  try {
    await login(page, 'ML_ENGINEER');
    await page.goto('/monitoring?window=cases');
    const group = page.getByTestId('alert-group').first();
    await expect(group.locator('summary')).toContainText(
      /^(alert|warn) cases \d+-\d+ \d+ quantit(y|ies), \d+ alerts?, \d+ cases behind them$/,
    );
    const quantity = group.getByTestId('alert-quantity').first();
    await expect(quantity).toContainText(/all cases \(n = \d+\): PSI \d+\.\d\d, KS p/);
    const review = quantity.getByRole('link', { name: /^review these \d+$/ });
    const ids = (await review.getAttribute('href'))!.match(/^\/review\?cases=([a-z0-9,]+)$/)![1].split(',');
    const windowLink = group.getByRole('link', { name: /^Open the \d+ cases of this window in the review queue$/ });
    const windowIds = (await windowLink.getAttribute('href'))!.replace('/review?cases=', '').split(',');
    expect(windowIds).toEqual(expect.arrayContaining(ids));

    const caseLink = quantity.locator('a[href^="/cases/"]').first();
    const externalId = (await caseLink.textContent())!;
    expect(ids).toContain((await caseLink.getAttribute('href'))!.replace('/cases/', ''));
    await caseLink.click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(externalId);
  } finally {
    driftSettings('default');
  }
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
