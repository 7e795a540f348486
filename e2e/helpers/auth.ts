import { expect, type Page } from '@playwright/test';
import { DEMO_USERS } from '../../prisma/demo-users';

export type DemoRole = 'RADIOLOGIST' | 'PHYSICIAN' | 'ML_ENGINEER' | 'ADMIN';

export function demoUser(role: DemoRole) {
  const user = DEMO_USERS.find((u) => u.role === role);
  if (!user) throw new Error(`no demo user for ${role}`);
  return user;
}

export async function login(page: Page, role: DemoRole) {
  const user = demoUser(role);
  await page.goto('/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(user.name);
}
