import { expect, test } from '@playwright/test';
import { login, type DemoRole } from './helpers/auth';
import { NAV_ITEMS, navFor } from '../lib/permissions';

const ROLES: DemoRole[] = ['RADIOLOGIST', 'PHYSICIAN', 'ML_ENGINEER', 'ADMIN'];

for (const role of ROLES) {
  test(`${role} sees exactly the navigation and pages it is allowed`, async ({ page }) => {
    await login(page, role);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const allowed = navFor(role).map((i) => i.label);
    for (const item of NAV_ITEMS) {
      const link = nav.getByRole('link', { name: item.label, exact: true });
      if (allowed.includes(item.label)) await expect(link).toBeVisible();
      else await expect(link).toHaveCount(0);
    }
    for (const item of NAV_ITEMS) {
      await page.goto(item.href);
      if (allowed.includes(item.label)) {
        // The page's own title, not an error page's heading.
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(item.label);
        await expect(page).toHaveURL(new RegExp(`${item.href}$`));
      } else {
        await expect(page).toHaveURL(/\/forbidden$/);
      }
    }
  });
}

test('a physician cannot open the mask editor (server-side check)', async ({ page }) => {
  await login(page, 'PHYSICIAN');
  await page.goto('/cases/any-case/edit');
  await expect(page).toHaveURL(/\/forbidden$/);
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('radiologist@demo.tumorwatch');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'incorrect' })).toHaveText('Email or password is incorrect.');
});
