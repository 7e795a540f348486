import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { E2E_ENV } from '../playwright.config';
import { login } from './helpers/auth';

/** Server-side paging, search and sort on the case list, all in the URL: links, reloads and the back button keep the view. */
test.beforeAll(() => {
  execFileSync('npx', ['tsx', '--conditions=react-server', 'e2e/helpers/lists.ts'], {
    env: { ...process.env, ...E2E_ENV },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});

const caseIds = async (page: Page) => {
  const links = page.getByRole('table', { name: 'Cases' }).getByRole('row').getByRole('link', { name: /^LST-/ });
  return links.allTextContents();
};

test('search, sort and page through sixty cases, and come back with the back button', async ({ page }) => {
  await login(page, 'RADIOLOGIST');
  await page.goto('/cases');
  const search = page.getByRole('search', { name: 'Search cases' });
  await search.getByRole('searchbox').fill('LST-');
  await search.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=LST-/);
  const pages = page.getByRole('navigation', { name: 'cases pages' });
  await expect(pages).toContainText('1–25 of 60 cases');
  // newest first by default: LST-59 heads the first page
  expect((await caseIds(page))[0]).toBe('LST-59');

  await page.getByRole('columnheader', { name: /Case/ }).getByRole('link').click();
  await expect(page).toHaveURL(/sort=case&dir=asc/);
  await expect(page.getByRole('columnheader', { name: /Case/ })).toHaveAttribute('aria-sort', 'ascending');
  expect(await caseIds(page)).toEqual(Array.from({ length: 25 }, (_, i) => `LST-${String(i).padStart(2, '0')}`));

  await pages.getByRole('link', { name: 'Next page' }).click();
  await expect(pages).toContainText('26–50 of 60 cases');
  expect((await caseIds(page))[0]).toBe('LST-25');
  await pages.getByRole('link', { name: 'Last page' }).click();
  await expect(pages).toContainText('51–60 of 60 cases');
  expect(await caseIds(page)).toHaveLength(10);

  await page.goBack();
  await expect(pages).toContainText('26–50 of 60 cases');
  expect((await caseIds(page))[0]).toBe('LST-25');
  await page.reload();
  expect((await caseIds(page))[0]).toBe('LST-25');

  // a search that matches one site keeps the ordering and returns to page 1
  await search.getByRole('searchbox').fill('Listville North');
  await search.getByRole('button', { name: 'Apply' }).click();
  await expect(pages).toContainText('1–25 of 30 cases');
  await expect(page).toHaveURL(/sort=case/);
  expect((await caseIds(page)).slice(0, 2)).toEqual(['LST-01', 'LST-03']);
});
