/**
 * Sign-in checks (lib/server/auth/login.ts): per-account and per-address throttling with backoff and a lockout an
 * administrator clears, one bcrypt comparison whether or not the account exists, and every failure audited.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { createUser, clearLoginLock } from '@/lib/server/users';
import { POLICY } from '@/lib/server/auth/throttle';

const compared = vi.hoisted(() => ({ n: 0 }));
vi.mock('@/lib/server/auth/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/server/auth/passwords')>();
  return { ...real, verifyPassword: (p: string, h: string) => ((compared.n += 1), real.verifyPassword(p, h)) };
});
const { authenticate } = await import('@/lib/server/auth/login');

useTestDb({ LOGIN_ACCOUNT_FAILURES: '5', LOGIN_ADDRESS_FAILURES: '20' });
const PASSWORD = 'correct horse battery';
let admin: Awaited<ReturnType<typeof createUser>> & { kind: 'user' };
let rad: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  admin = { kind: 'user', ...(await createUser(SYSTEM, { email: 'admin@login.test', name: 'Admin', role: 'ADMIN', password: PASSWORD })) };
  rad = await createUser(SYSTEM, { email: 'rad@login.test', name: 'Rad', role: 'RADIOLOGIST', password: PASSWORD });
});

const failures = (email: string) => db().auditEvent.findMany({ where: { action: AUDIT.loginFailed, entityId: email } });

describe('sign-in', () => {
  it('accepts the right password and refuses a wrong one, auditing the failure', async () => {
    expect(await authenticate('Rad@Login.test ', PASSWORD, '10.0.0.1')).toMatchObject({ ok: true, user: { id: rad.id } });
    expect(await authenticate('rad@login.test', 'wrong password!', '10.0.0.1')).toEqual({ ok: false, reason: 'invalid' });
    expect((await failures('rad@login.test')).map((e) => e.data)).toEqual([
      { email: 'rad@login.test', address: '10.0.0.1', reason: 'bad-password' },
    ]);
  });

  it('does one bcrypt comparison for an unknown email as for a known one (no account enumeration by timing)', async () => {
    compared.n = 0;
    expect(await authenticate('nobody@login.test', PASSWORD, '10.0.0.2')).toEqual({ ok: false, reason: 'invalid' });
    expect(compared.n).toBe(1);
    compared.n = 0;
    await authenticate('rad@login.test', 'another wrong one', '10.0.0.2');
    expect(compared.n).toBe(1);
    expect((await failures('nobody@login.test'))[0].data).toMatchObject({ reason: 'unknown-account' });
  });

  it('locks an account after repeated failures, refuses even the right password, and an admin clears the lock', async () => {
    const user = await createUser(SYSTEM, { email: 'target@login.test', name: 'T', role: 'PHYSICIAN', password: PASSWORD });
    for (let i = 0; i < POLICY.threshold('account'); i++) await authenticate('target@login.test', `guess number ${i}`, `10.1.0.${i}`);
    const locked = await authenticate('target@login.test', PASSWORD, '10.9.9.9');
    expect(locked).toMatchObject({ ok: false, reason: 'throttled' });
    expect(locked.ok === false && locked.retryAfterS).toBeGreaterThan(0);
    expect(await db().auditEvent.count({ where: { action: AUDIT.loginLockout, entityId: 'account:target@login.test' } })).toBe(1);
    expect((await failures('target@login.test')).at(-1)?.data).toMatchObject({ reason: 'throttled' });
    expect(await clearLoginLock(admin, { userId: user.id })).toEqual({ id: user.id, cleared: true });
    expect(await authenticate('target@login.test', PASSWORD, '10.9.9.9')).toMatchObject({ ok: true });
    expect(await db().auditEvent.count({ where: { action: AUDIT.lockoutClear, entityId: user.id } })).toBe(1);
  });

  it('backs off: each failure past the threshold doubles the lock', async () => {
    await createUser(SYSTEM, { email: 'slow@login.test', name: 'S', role: 'PHYSICIAN', password: PASSWORD });
    for (let i = 0; i < POLICY.threshold('account'); i++) await authenticate('slow@login.test', `guess ${i}`, '10.2.0.1');
    const key = 'account:slow@login.test';
    const first = (await db().loginThrottle.findUniqueOrThrow({ where: { key } })).lockedUntil!.getTime() - Date.now();
    await db().loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() - 1) } }); // the first lock runs out
    await authenticate('slow@login.test', 'guess again', '10.2.0.1');
    const second = (await db().loginThrottle.findUniqueOrThrow({ where: { key } })).lockedUntil!.getTime() - Date.now();
    expect(second / first).toBeGreaterThan(1.8);
  });

  it('throttles an address that tries many accounts, whichever they are', async () => {
    for (let i = 0; i < POLICY.threshold('address'); i++) await authenticate(`spray${i}@login.test`, 'Winter2026!!', '192.0.2.7');
    expect(await authenticate('rad@login.test', PASSWORD, '192.0.2.7')).toMatchObject({ ok: false, reason: 'throttled' });
    expect(await authenticate('rad@login.test', PASSWORD, '192.0.2.8')).toMatchObject({ ok: true });
  });
});
