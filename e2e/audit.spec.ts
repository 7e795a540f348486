import { expect, test } from '@playwright/test';
import { login } from './helpers/auth';

/** The audit log reads as fields, not raw JSON: each event's data as "label: value" lines from the typed catalogue. */
test('an ML engineer reads audit events as labelled fields', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  // one page of the log now (25 events): the ingestion events, which every seeded case has
  await page.goto('/audit?entity=Case&action=case.ingest');
  const table = page.getByRole('table', { name: 'Audit events' });
  // an ingestion event (the seeded cases): its data shows as labelled fields
  const row = table.getByRole('row').filter({ hasText: 'External id' }).first();
  await expect(row).toBeVisible();
  await expect(row).toContainText('Modalities');
  expect(await table.textContent()).not.toMatch(/\{"[a-zA-Z]+":/);
  // the entity id links to the case page
  await row.getByRole('cell').nth(3).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/cases\/[^/?]+$/);
});

test('the audit log filters by actor and pages in the URL', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto('/audit');
  const form = page.getByRole('search', { name: 'Filter the audit log' });
  await form.getByLabel('Actor').fill('system');
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/actor=system/);
  const actors = await page.getByRole('table', { name: 'Audit events' }).getByRole('row').locator('td:nth-child(2)').allTextContents();
  expect(actors.length).toBeGreaterThan(0);
  expect(actors.every((a) => a.includes('system'))).toBe(true);
  await expect(page.getByRole('navigation', { name: 'events pages' })).toContainText(/of \d+ events/);
});
