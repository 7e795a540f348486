import { expect, test } from '@playwright/test';
import { enumerateAppRoutes, PUBLIC_HANDLER_PREFIXES, PUBLIC_PAGES, serverActionIds, declaredServerActions } from './helpers/routes';

const { pages, handlers } = enumerateAppRoutes();

test('the route enumeration finds the app', () => {
  expect(pages).toEqual(
    expect.arrayContaining([
      '/cases',
      '/review',
      '/monitoring',
      '/datasets',
      '/models',
      '/runs',
      '/audit',
      '/admin/users',
      '/admin/tokens',
    ]),
  );
});

for (const url of pages.filter((p) => !PUBLIC_PAGES.has(p))) {
  test(`anonymous GET ${url} is sent to login`, async ({ page }) => {
    await page.goto(url);
    // ...with the way back to the page it asked for (e2e/deep-link.spec.ts signs in through it); / is Cases
    const wayBack = encodeURIComponent(url === '/' ? '/cases' : url);
    await expect(page).toHaveURL(new RegExp(`/login\\?next=${wayBack.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
}

for (const url of handlers.filter((h) => !PUBLIC_HANDLER_PREFIXES.some((p) => h.startsWith(p)))) {
  for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
    test(`anonymous ${method} ${url} is refused`, async ({ request }) => {
      const res = await request.fetch(url, { method, data: method === 'GET' ? undefined : {}, maxRedirects: 0 });
      // 401 when the handler exists for the method; 405 when it does not: never a success or a server error.
      expect([401, 405]).toContain(res.status());
    });
  }
}

test('every server action refuses an anonymous caller', async ({ request }) => {
  const ids = serverActionIds();
  expect(ids.length).toBeGreaterThanOrEqual(declaredServerActions().length);
  for (const id of ids) {
    const res = await request.post('/cases', {
      headers: { 'Next-Action': id, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component' },
      data: JSON.stringify([{}]),
      maxRedirects: 0,
    });
    const body = await res.text();
    // The action runs its own check and answers with a typed UNAUTHENTICATED error (never data).
    expect(body, `action ${id}`).toContain('UNAUTHENTICATED');
  }
});
