import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { login, type DemoRole } from './helpers/auth';
import { E2E_ENV } from '../playwright.config';

/**
 * The promotion workflow end to end: an ML engineer takes a candidate with a passing evaluation through shadow,
 * canary and a signed production promotion, reads the evidence report, and rolls back; clinicians are refused at every
 * step by the server itself; a failing candidate cannot enter shadow. Set-up and simulated serving traffic run server
 * code against the e2e database (e2e/helpers/promotion.ts).
 */
test.describe.configure({ mode: 'serial' });

interface Seeded {
  production: string;
  candidate: string;
  failing: string;
  candidateVersion: string;
  snapshotSha256: string;
  evaluation: { evaluationId: string; verdict: string };
  expected: { holdoutName: string; wtDifference: string; wtCandidate: string };
}

function helper<T>(...args: string[]): T {
  const out = execFileSync('npx', ['tsx', '--conditions=react-server', 'e2e/helpers/promotion.ts', ...args], {
    env: { ...process.env, ...E2E_ENV },
    encoding: 'utf8',
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

/** Server action ids from the production build, by the file and name that define them. */
function actionId(file: string, name: string): string {
  const manifest = JSON.parse(fs.readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const hit = Object.entries(manifest.node).find(([, a]) => a.filename === file && a.exportedName === name);
  if (!hit) throw new Error(`server action ${file}:${name} is not in the build manifest`);
  return hit[0];
}

async function callAction(request: APIRequestContext, file: string, name: string, arg: unknown): Promise<string> {
  const res = await request.post('/cases', {
    headers: { 'Next-Action': actionId(file, name), 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component' },
    data: JSON.stringify([arg]),
    maxRedirects: 0,
  });
  return res.text();
}

async function step(page: Page, button: string, fields: Record<string, string> = {}) {
  await page.getByRole('button', { name: button }).click();
  const form = page.getByRole('form', { name: button });
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label).fill(value);
  await form.getByRole('button', { name: 'Confirm' }).click();
}

const stage = (page: Page) => page.getByTestId('model-stage');

let seed: Seeded;
test.beforeAll(() => {
  seed = helper<Seeded>('seed');
  expect(seed.evaluation.verdict).toBe('PASS');
});

for (const role of ['RADIOLOGIST', 'PHYSICIAN'] as DemoRole[]) {
  test(`a ${role.toLowerCase()} is refused at every step, by the server`, async ({ page }) => {
    await login(page, role);
    for (const url of ['/models', `/models/${seed.candidate}`, `/models/compare?candidate=${seed.candidate}`]) {
      await page.goto(url);
      await expect(page).toHaveURL(/\/forbidden$/);
    }
    const id = { modelVersionId: seed.candidate };
    const calls: [string, string, unknown][] = [
      ['lib/actions/models.ts', 'promoteToShadowAction', { ...id, reason: 'let me' }],
      ['lib/actions/models.ts', 'promoteToCanaryAction', { ...id, trafficPercent: 10, reason: 'let me' }],
      ['lib/actions/models.ts', 'promoteToProductionAction', { ...id, password: 'radiologist-demo', reason: 'let me' }],
      ['lib/actions/models.ts', 'rollbackProductionAction', { ...id, reason: 'let me' }],
      ['lib/actions/models.ts', 'rollbackCanaryAction', { ...id, reason: 'let me' }],
      ['lib/actions/models.ts', 'rejectModelAction', { ...id, reason: 'let me' }],
      ['lib/actions/models.ts', 'requestEvaluationAction', id],
      ['lib/actions/models.ts', 'getComparisonCaseAction', { evaluationId: seed.evaluation.evaluationId, caseId: 'x' }],
      ['lib/actions/criteria.ts', 'saveCriteriaAction', { config: {}, reason: 'let me' }],
    ];
    for (const [file, name, arg] of calls)
      expect(await callAction(page.request, file, name, arg), `${file}:${name}`).toContain('FORBIDDEN');
    for (const step of ['preview', 'production']) {
      expect((await page.request.get(`/api/models/${seed.candidate}/evidence?step=${step}`)).status()).toBe(403);
    }
    const mask = `/models/${seed.candidate}/evaluations/${seed.evaluation.evaluationId}/mask?case=x&which=candidate`;
    expect((await page.request.get(mask, { maxRedirects: 0 })).status()).toBe(403);
  });
}

test('a failing candidate cannot enter shadow', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto(`/models/${seed.failing}`);
  await step(page, 'Start shadow deployment', { 'Reason (kept in the audit trail)': 'try the failing one' });
  await expect(page.getByRole('alert').filter({ hasText: 'FAILED its acceptance criteria' })).toBeVisible();
  await page.reload();
  await expect(stage(page)).toHaveAttribute('data-stage', 'CANDIDATE');
});

test('an ML engineer compares, walks the candidate through shadow, canary and production, reads the evidence, and rolls back', async ({
  page,
}) => {
  await login(page, 'ML_ENGINEER');
  await page.goto(`/models/compare?candidate=${seed.candidate}`);
  await expect(page.getByTestId('overall-verdict')).toContainText('PASS');
  await expect(page.getByTestId(`set-${seed.expected.holdoutName}`)).toContainText(seed.expected.wtCandidate);
  await expect(page.getByTestId('plot-dice').locator('svg').first()).toBeVisible();
  await page.getByRole('table', { name: 'Per-case results' }).locator('tbody tr').first().getByRole('button').click();
  await expect(page.getByTestId('compare-viewer')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });

  await page.goto(`/models/${seed.candidate}`);
  await expect(stage(page)).toHaveAttribute('data-stage', 'CANDIDATE');
  await step(page, 'Start shadow deployment', { 'Reason (kept in the audit trail)': 'passed the acceptance gate' });
  await expect(stage(page)).toHaveAttribute('data-stage', 'SHADOW');
  helper('traffic', seed.candidate, 'SHADOW', '4');
  await page.reload();
  await expect(page.getByTestId('report-shadow').getByTestId('cases-seen')).toHaveText('4');
  await expect(page.getByTestId('report-shadow')).toContainText('Disagreement cases for review (1)');

  await step(page, 'Start canary deployment', {
    'Traffic share (% of new cases the canary answers)': '20',
    'Reason (kept in the audit trail)': 'shadow agrees with production',
  });
  await expect(stage(page)).toHaveAttribute('data-stage', 'CANARY');
  helper('traffic', seed.candidate, 'CANARY', '4');
  await page.reload();

  // of 4 new cases the 20% canary answers those its hash picks: fewer than the rollback rule needs, so the server
  // refuses until the approver confirms a short canary
  await step(page, 'Promote to production (signed)', {
    'Reason (kept in the audit trail)': 'canary healthy',
    'Your password (signs the approval)': 'not-my-password',
  });
  await expect(page.getByRole('alert').filter({ hasText: /answered \d of the 20 cases its automatic rollback rule needs/ })).toBeVisible();
  const signing = page.getByRole('form', { name: 'Promote to production (signed)' });
  await signing.getByRole('checkbox', { name: /Short canary: it has answered \d of the 20 cases/ }).check();
  await signing.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'password is incorrect' })).toBeVisible();
  await signing.getByLabel('Your password (signs the approval)').fill('mlengineer-demo');
  await signing.getByRole('button', { name: 'Confirm' }).click();
  await expect(stage(page)).toHaveAttribute('data-stage', 'PRODUCTION');

  const evidence = `/api/models/${seed.candidate}/evidence?step=production&format=html`;
  const res = await page.goto(evidence);
  expect(res?.status()).toBe(200);
  const html = await page.content();
  for (const id of ['summary', 'models', 'lineage', 'acceptance', 'regression', 'deployment', 'approval'])
    expect(html).toContain(`<section id="${id}">`);
  // a document, not a dump: tables and charts, no JSON
  expect(html).not.toContain('{"');
  expect(html).toContain('<svg role="img"');
  expect(await page.locator('table.grid').count()).toBeGreaterThan(5);
  const pdf = await page.request.get(evidence.replace('format=html', 'format=pdf'));
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  const text = await page.locator('body').innerText();
  expect(text).toContain(seed.snapshotSha256);
  expect(text).toContain(seed.expected.wtDifference);
  // at least the seed's own drifter and flag (other suites may add theirs to the same production model)
  expect(text).toMatch(/Physician flags\s+[1-9]\d* on [1-9]\d* cases/);
  expect(text).toMatch(/Drifters\s+[1-9]\d* \(/);
  expect(text).toContain('MISSED_LESION');
  // the failed-check table lists the most frequent checks among this production model's drifters (data-dependent)
  expect(text).toMatch(/Failed drift check \(drifters\)\s+Cases\s+\S+/);
  expect(text).toContain('PASSED: none of the');
  // shadow and canary side by side: one row per figure, a column per deployment
  expect(text).toMatch(/Cases seen\s+4\s+\d+/);
  expect(text).toMatch(/Traffic share answered by the model\s+none \(predictions not returned\)\s+20%/);
  expect(text).toContain('Mia ML-Engineer');
  expect(text).toContain('canary healthy');
  expect(text).toMatch(/Canary at signing\s+\d cases answered; the automatic rollback rule needs 20\. SHORT CANARY/);

  await page.goto(`/models/${seed.candidate}`);
  await step(page, 'Roll back production', { 'Reason (kept in the audit trail)': 'e2e rollback drill' });
  await expect(stage(page)).toHaveAttribute('data-stage', 'REJECTED');
  await page.goto(`/models/${seed.production}`);
  await expect(stage(page)).toHaveAttribute('data-stage', 'PRODUCTION');
  await page.goto('/models');
  const history = page.getByRole('table', { name: 'Production history' });
  await expect(history.getByRole('row').nth(1)).toContainText('restored by rollback');
  await expect(history).toContainText(seed.candidateVersion);
});
