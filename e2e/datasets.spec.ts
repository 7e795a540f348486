import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { login } from './helpers/auth';

/**
 * An ML engineer opens a dataset, adds a case picked on the case list (the unapproved label needs an explicit
 * confirmation), sees it as a member with its label state, removes it, and finds both changes in the audit log.
 */
test.beforeAll(() => {
  execFileSync('npx', ['tsx', '--conditions=react-server', 'e2e/helpers/lists.ts'], {
    env: { ...process.env, ...E2E_ENV },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});

test('open a dataset, pick an unlabelled case with a confirmation, remove it; all audited', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await page.goto('/datasets');
  await page.getByRole('table', { name: 'Datasets' }).getByRole('link', { name: 'holdout-external' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('holdout-external');
  const rules = page.getByRole('region', { name: 'What the evaluation gate requires of this set' });
  await expect(rules).toContainText('Not locked: the gate ignores this set entirely until it is locked');
  await expect(rules).toContainText('locked hold-out set(s) evaluated, or the gate fails');

  await page.getByRole('link', { name: 'case list' }).click();
  await expect(page).toHaveURL(/\/cases\?into=/);
  await page.getByRole('search', { name: 'Search cases' }).getByRole('searchbox').fill('LST-07');
  await page.getByRole('search', { name: 'Search cases' }).getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('checkbox', { name: 'Pick LST-07' }).check();
  const bar = page.getByRole('form', { name: 'Add picked cases to a dataset' });
  await expect(bar.getByRole('combobox', { name: 'Dataset' }).locator('option:checked')).toHaveText('holdout-external');
  await bar.getByRole('button', { name: 'Add to dataset' }).click();
  const warning = bar.getByRole('alert');
  await expect(warning).toContainText('1 of the 1 picked case(s) have no approved label');
  await expect(warning).toContainText('LST-07: never labelled');
  await warning.getByRole('button', { name: 'Add anyway' }).click();
  await expect(bar.getByRole('status')).toHaveText('Added 1 case(s).');

  await page.goto('/datasets');
  await page.getByRole('table', { name: 'Datasets' }).getByRole('link', { name: 'holdout-external' }).click();
  const members = page.getByRole('table', { name: 'Members' });
  const row = members.getByRole('row').filter({ hasText: 'LST-07' });
  await expect(row).toContainText('no label');
  page.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: 'Remove LST-07' }).click();
  await expect(members.getByRole('row').filter({ hasText: 'LST-07' })).toHaveCount(0);

  // the dataset's history in the audit log: the confirmed add (naming the unapproved case) and the removal
  const datasetUrl = new URL(page.url());
  const datasetId = datasetUrl.pathname.split('/').at(-1)!;
  await page.goto(`/audit?entity=Dataset&entityId=${datasetId}`);
  const events = page.getByRole('table', { name: 'Audit events' });
  await expect(events.getByRole('row').filter({ hasText: /dataset\.members\.remove/ })).toHaveCount(1);
  const add = events.getByRole('row').filter({ hasText: /dataset\.members\.add/ });
  await expect(add).toContainText('Unapproved confirmed');
  await add.getByRole('link', { name: /^…/ }).last().click(); // the case named in the data (the first is the dataset)
  await expect(page).toHaveURL(/\/cases\/[^/]+$/);
});
