import { expect, test } from '@playwright/test';
import { demoUser } from './helpers/auth';

/** A link opened before signing in (an alert e-mailed to a clinician, a bookmark) leads back to its page after sign-in. */
test('sign-in returns to the page that asked for it, and never to another site', async ({ page }) => {
  await page.goto('/monitoring?window=day');
  await expect(page).toHaveURL(/\/login\?next=%2Fmonitoring%3Fwindow%3Dday$/);
  const user = demoUser('ML_ENGINEER');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/monitoring\?window=day$/);
  await expect(page.getByTestId('current-user')).toContainText(user.name);

  // Signed in, an outside address in `next` is ignored: the login page sends the user to Cases.
  await page.goto('/login?next=%2F%2Fevil.example');
  await expect(page).toHaveURL(/\/cases$/);
});
