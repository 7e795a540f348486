import { expect, test } from '@playwright/test';
import { login } from './helpers/auth';

/** The audit log reads as fields, not raw JSON: each event's data as "label: value" lines from the typed catalogue. */
test('an ML engineer reads audit events as labelled fields', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto('/audit?entity=Case');
  const table = page.getByRole('table', { name: 'Audit events' });
  // an ingestion event (the seeded cases): its data shows as labelled fields
  const row = table.getByRole('row').filter({ hasText: 'External id' }).first();
  await expect(row).toBeVisible();
  await expect(row).toContainText('Modalities');
  expect(await table.textContent()).not.toMatch(/\{"[a-zA-Z]+":/);
});
