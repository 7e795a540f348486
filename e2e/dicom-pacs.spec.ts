import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { orthancAvailable, startOrthanc, type TestOrthanc } from '../tests/support/orthanc';
import { login } from './helpers/auth';
import { writeStudy } from './helpers/dicom-study';

/**
 * /dicom/pacs against a real PACS: a private Orthanc with its DICOMweb plugin (tests/support/orthanc.ts) holds a
 * synthetic four-sequence study; a radiologist sees it listed, pulls it, and it becomes a case. The PACS is read from
 * the server's environment at start, so this spec serves the same build and e2e database a second time, on its own
 * port with PACS_DICOMWEB_URL set (the suite's server stays without a PACS, as the other specs expect).
 */
const PORT = 3101;
const BASE = `http://localhost:${PORT}`;
let orthanc: TestOrthanc | undefined;
let server: ChildProcess | undefined;

test.use({ baseURL: BASE });
test.skip(() => orthancAvailable() !== null, orthancAvailable() ?? '');

async function storeInOrthanc(pacs: TestOrthanc, dir: string) {
  const authorization = `Basic ${Buffer.from(`${pacs.username}:${pacs.password}`).toString('base64')}`;
  for (const name of fs.readdirSync(dir)) {
    const res = await fetch(`${pacs.url}/instances`, {
      method: 'POST',
      headers: { Authorization: authorization },
      body: fs.readFileSync(path.join(dir, name)),
    });
    if (!res.ok) throw new Error(`Orthanc refused ${name}: ${res.status} ${await res.text()}`);
  }
}

async function serveWithPacs(pacs: TestOrthanc): Promise<ChildProcess> {
  const child = spawn('bash', ['scripts/serve.sh'], {
    env: {
      ...process.env,
      ...E2E_ENV,
      PORT: String(PORT),
      NEXTAUTH_URL: BASE,
      PACS_DICOMWEB_URL: pacs.dicomweb,
      PACS_USERNAME: pacs.username,
      PACS_PASSWORD: pacs.password,
    },
    stdio: 'ignore',
    detached: true, // its own process group: npx and next start end together in afterAll
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the second server exited (${child.exitCode})`);
    const ok = await fetch(`${BASE}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`the second server did not answer on ${BASE} within 120 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  orthanc = await startOrthanc();
  await storeInOrthanc(orthanc, writeStudy(path.resolve('data/e2e/dicom-pacs'), { seed: 'e2e-pacs', studySeed: 11 }));
  server = await serveWithPacs(orthanc);
});

test.afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  await orthanc?.stop();
});

test('a radiologist lists the PACS studies, pulls one, and it becomes a case', async ({ page }) => {
  await login(page, 'RADIOLOGIST');
  await page.goto('/dicom/pacs');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('PACS');
  await expect(page.getByText(`MR studies of ${orthanc!.dicomweb}`)).toBeVisible();
  const table = page.getByRole('table', { name: 'PACS studies' });
  const row = table.getByRole('row').filter({ hasText: 'MRI BRAIN W/WO CONTRAST' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('2026-11-20');
  await expect(row).toContainText('4 / 256'); // four series of 64 slices
  await expect(page.getByRole('button', { name: 'Pull all new studies (1)' })).toBeEnabled();

  await row.getByRole('button', { name: 'Pull' }).click();
  const state = row.getByTestId('pacs-study-state');
  await expect(state).toContainText('created', { timeout: 120_000 });
  const open = state.getByRole('link', { name: 'open case' });
  const href = await open.getAttribute('href');
  expect(href).toMatch(/^\/cases\/[\w-]+$/);

  await open.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/DICOM-[0-9a-f]{16}/);

  // listed again, the study is marked received and no longer offered for a pull
  await page.goto('/dicom/pacs');
  await expect(row.getByTestId('pacs-study-state')).toHaveText('received');
  await expect(page.getByRole('button', { name: 'Pull all new studies (0)' })).toBeDisabled();
});
