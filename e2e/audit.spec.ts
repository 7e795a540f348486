import { expect, test } from '@playwright/test';
import { login } from './helpers/auth';
import { AUDIT } from '../lib/server/audit/catalogue';

/** The audit log reads as fields, not raw JSON: each event's data as "label: value" lines from the typed catalogue. */
test('an ML engineer reads audit events as labelled fields', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto(`/audit?action=${AUDIT.caseIngest}`);
  const table = page.getByRole('table', { name: 'Audit events' });
  const row = table.getByRole('row').filter({ hasText: AUDIT.caseIngest }).first();
  await expect(row).toBeVisible();
  await expect(row).toContainText('External id');
  await expect(row).toContainText('Modalities');
  await expect(row).not.toContainText('{"');
  expect(await table.textContent()).not.toMatch(/\{"[a-zA-Z]+":/);
});
