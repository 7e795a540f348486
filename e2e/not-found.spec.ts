import { expect, test } from '@playwright/test';
import { login } from './helpers/auth';

/** A mistyped address or a missing case gives a 404 that says so and leads back into the app. */
test('an unknown address and a missing case answer a 404 page with the way back', async ({ page }) => {
  const res = await page.goto('/no-such-page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Where to go' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
  await login(page, 'RADIOLOGIST');
  await page.goto('/cases/no-such-case');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Where to go' }).getByRole('link', { name: 'Cases' }).click();
  await expect(page).toHaveURL(/\/cases$/);
});
