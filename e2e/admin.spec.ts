import { expect, test, type Locator, type Page } from '@playwright/test';
import { login } from './helpers/auth';

test.use({ viewport: { width: 1500, height: 1000 } });

/** Accepts every confirmation and keeps its text, so a test can check that one was asked. */
function acceptConfirmations(page: Page): string[] {
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.message());
    void d.accept();
  });
  return asked;
}

const userRow = (page: Page, email: string): Locator =>
  page.getByRole('table', { name: 'Users' }).getByRole('row').filter({ hasText: email });

test('an administrator manages an account and its API token from the browser', async ({ page, browser, request }) => {
  const email = `e2e-admin-${Date.now().toString(36)}@hospital.test`;
  const asked = acceptConfirmations(page);
  await login(page, 'ADMIN');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Administration');

  await test.step('create a user: a weak password is refused with the reason, a good one is taken', async () => {
    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Name').fill('Dr E2E Admin-Test');
    await form.getByLabel('Role').selectOption('RADIOLOGIST');
    await form.getByLabel('Initial password').fill('short-pw');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByText('Password must have at least 12 characters.')).toBeVisible();
    await expect(form.getByRole('alert')).toHaveText('Please correct the highlighted fields.');
    await expect(userRow(page, email)).toHaveCount(0);
    await form.getByLabel('Initial password').fill('e2e-first-passphrase');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('status')).toHaveText(`Created ${email}.`);
    await expect(userRow(page, email).getByText('active', { exact: true })).toBeVisible();
  });

  await test.step('change their role', async () => {
    await userRow(page, email).getByLabel(`Role of ${email}`).selectOption('ML_ENGINEER');
    await expect(userRow(page, email).getByRole('status').filter({ hasText: 'Now ML engineer.' })).toBeVisible();
    expect(asked.at(-1)).toContain(`Make ${email} ML engineer?`);
    await page.reload();
    await expect(userRow(page, email).getByLabel(`Role of ${email}`)).toHaveValue('ML_ENGINEER');
  });

  const newPassword = 'e2e-second-passphrase';
  await test.step('reset their password (a weak one is refused) and sign in with the new one', async () => {
    const row = userRow(page, email);
    await row.getByRole('button', { name: 'Reset password' }).click();
    await row.getByLabel(`New password for ${email}`).fill('password1234');
    await row.getByRole('button', { name: 'Set password', exact: true }).click();
    await expect(row.getByText('This password is on the list of common passwords: choose another.')).toBeVisible();
    await row.getByLabel(`New password for ${email}`).fill(newPassword);
    await row.getByRole('button', { name: 'Set password', exact: true }).click();
    await expect(row.getByRole('status').filter({ hasText: `Password of ${email} reset` })).toBeVisible();

    const other = await browser.newContext();
    const theirs = await other.newPage();
    await theirs.goto('/login');
    await theirs.getByLabel('Email').fill(email);
    await theirs.getByLabel('Password').fill(newPassword);
    await theirs.getByRole('button', { name: 'Sign in' }).click();
    await expect(theirs.getByTestId('current-user')).toContainText('ML engineer');
    await other.close();
  });

  await test.step('deactivate (after a confirmation) and reactivate', async () => {
    await userRow(page, email).getByRole('button', { name: 'Deactivate' }).click();
    await expect(userRow(page, email).getByText('deactivated', { exact: true })).toBeVisible();
    expect(asked.at(-1)).toContain(`Deactivate ${email}?`);
    await userRow(page, email).getByRole('button', { name: 'Reactivate' }).click();
    await expect(userRow(page, email).getByText('active', { exact: true })).toBeVisible();
  });

  let secret = '';
  await test.step('create an ingest-only token: its secret is shown once', async () => {
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'API tokens' }).click();
    await expect(page).toHaveURL(/\/admin\/tokens$/);
    const form = page.getByRole('form', { name: 'Create an API token' });
    await form.getByLabel('Token name').fill('e2e-bridge');
    await form.getByRole('button', { name: 'Create token' }).click();
    await expect(form.getByText('Choose the owner.')).toBeVisible();
    await form.getByLabel('Owner').selectOption({ label: `${email} (ML engineer)` });
    await form.getByLabel('Scope').selectOption('INGEST');
    await form.getByLabel('Expires after').selectOption('30');
    await form.getByRole('button', { name: 'Create token' }).click();
    const box = page.getByRole('region', { name: 'New API token' });
    await expect(box).toContainText('shown once: copy it now');
    secret = await box.getByTestId('token-secret').inputValue();
    expect(secret).toMatch(/^tw_[\w-]{43}$/);
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'e2e-bridge' });
    await expect(row.getByText('active', { exact: true })).toBeVisible();
    await expect(row).toContainText('INGEST');
    await page.reload();
    await expect(page.getByTestId('token-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
  });

  const auth = () => ({ Authorization: `Bearer ${secret}` });
  await test.step('the token may send cases but not read what its owner could', async () => {
    const ingest = await request.post('/api/cases', { headers: auth() });
    expect([401, 403]).not.toContain(ingest.status());
    expect(ingest.status()).toBeLessThan(500);
    const view = await request.get('/api/runs/e2e-any-run', { headers: auth() });
    expect(view.status()).toBe(403); // an ML engineer may view runs: the scope refuses it
    expect(await view.text()).toContain('scope');
    await page.reload();
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'e2e-bridge' });
    await expect(row.getByRole('cell').nth(6)).not.toHaveText('never'); // last used
    await expect(row.getByRole('cell').nth(5)).not.toHaveText('never'); // expires
  });

  await test.step('revoke it (after a confirmation): the same request is now unauthenticated', async () => {
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'e2e-bridge' });
    await row.getByRole('button', { name: 'Revoke e2e-bridge' }).click();
    await expect(row.getByText('revoked', { exact: true })).toBeVisible();
    expect(asked.at(-1)).toContain('Revoke the token "e2e-bridge"');
    expect((await request.post('/api/cases', { headers: auth() })).status()).toBe(401);
  });
});

test('a non-administrator gets the forbidden page for administration', async ({ page }) => {
  await login(page, 'ML_ENGINEER');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' })).toHaveCount(0);
  for (const url of ['/admin/users', '/admin/tokens']) {
    await page.goto(url);
    await expect(page).toHaveURL(/\/forbidden$/);
    await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  }
});
