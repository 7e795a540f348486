/**
 * Account administration and sessions: a role change, deactivation or password reset revokes the user's live
 * sessions at once (the row a session's JWT names is what keeps it valid), passwords follow the policy, an admin
 * cannot lock themselves out, and every change is audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { revokeSession, sessionUser, startSession } from '@/lib/server/auth/sessions';
import { passwordProblem } from '@/lib/server/auth/password-policy';
import { verifyPassword } from '@/lib/server/auth/passwords';
import { changeRole, createUser, listUsers, resetPassword, setUserActive } from '@/lib/server/users';

useTestDb();
const PASSWORD = 'a long enough secret';
let admin: Awaited<ReturnType<typeof createUser>> & { kind: 'user' };

beforeAll(async () => {
  admin = { kind: 'user', ...(await createUser(SYSTEM, { email: 'admin@acc.test', name: 'Admin', role: 'ADMIN', password: PASSWORD })) };
});

async function userWithSession(email: string) {
  const u = await createUser(admin, { email, name: email, role: 'RADIOLOGIST', password: PASSWORD });
  return { user: u, sessionId: await startSession(u.id) };
}

describe('password policy', () => {
  it('refuses short, common and self-named passwords', () => {
    expect(passwordProblem('password')).toMatch(/at least 12/);
    expect(passwordProblem('eleven-char')).toMatch(/at least 12/);
    expect(passwordProblem('password1234')).toMatch(/common passwords/);
    expect(passwordProblem('Password1234')).toMatch(/common passwords/);
    expect(passwordProblem('dr.house.mri@x.org', 'dr.house.mri@x.org')).toMatch(/email/);
    expect(passwordProblem('tumour boards at nine')).toBeNull();
  });

  it('applies to created users and resets, as a field error that changes nothing', async () => {
    await expect(createUser(admin, { email: 'weak@acc.test', name: 'W', role: 'ADMIN', password: 'password' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { fieldErrors: { password: [expect.stringMatching(/12/)] } },
    });
    expect(await db().user.count({ where: { email: 'weak@acc.test' } })).toBe(0);
  });
});

describe('sessions end when the account changes', () => {
  it('a session is valid until it is revoked (sign-out)', async () => {
    const { user, sessionId } = await userWithSession('signout@acc.test');
    expect((await sessionUser(sessionId, user.id))?.id).toBe(user.id);
    expect(await sessionUser(sessionId, admin.id)).toBeNull(); // a session names its own user only
    await revokeSession(sessionId, 'signed out');
    expect(await sessionUser(sessionId, user.id)).toBeNull();
  });

  it('an expired session is refused', async () => {
    const { user, sessionId } = await userWithSession('expired@acc.test');
    await db().userSession.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await sessionUser(sessionId, user.id)).toBeNull();
  });

  it('a role change revokes every session of the user and is audited', async () => {
    const { user, sessionId } = await userWithSession('role@acc.test');
    const other = await startSession(user.id);
    await changeRole(admin, { userId: user.id, role: 'PHYSICIAN' });
    expect(await sessionUser(sessionId, user.id)).toBeNull();
    expect(await sessionUser(other, user.id)).toBeNull();
    const ev = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.userRoleChange, entityId: user.id } });
    expect(ev.data).toEqual({ email: 'role@acc.test', from: 'RADIOLOGIST', to: 'PHYSICIAN', sessionsRevoked: 2 });
    expect(ev.actorId).toBe(admin.id);
  });

  it('deactivation revokes sessions; reactivation does not bring them back', async () => {
    const { user, sessionId } = await userWithSession('deact@acc.test');
    await setUserActive(admin, { userId: user.id, active: false });
    expect(await sessionUser(sessionId, user.id)).toBeNull();
    await setUserActive(admin, { userId: user.id, active: true });
    expect(await sessionUser(sessionId, user.id)).toBeNull();
    expect(
      await db().auditEvent.count({ where: { entityId: user.id, action: { in: [AUDIT.userDeactivate, AUDIT.userReactivate] } } }),
    ).toBe(2);
  });

  it('a password reset revokes sessions and sets the new password, under the policy', async () => {
    const { user, sessionId } = await userWithSession('reset@acc.test');
    await expect(resetPassword(admin, { userId: user.id, password: 'qwertyuiop12' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await sessionUser(sessionId, user.id)).not.toBeNull();
    await resetPassword(admin, { userId: user.id, password: 'new and long passphrase' });
    expect(await sessionUser(sessionId, user.id)).toBeNull();
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword('new and long passphrase', row.passwordHash)).toBe(true);
  });

  it('an administrator cannot demote or deactivate themselves', async () => {
    await expect(changeRole(admin, { userId: admin.id, role: 'PHYSICIAN' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(setUserActive(admin, { userId: admin.id, active: false })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe('ADMIN');
  });

  it('lists users with their live sessions', async () => {
    const { user } = await userWithSession('listed@acc.test');
    expect((await listUsers()).find((u) => u.id === user.id)).toMatchObject({
      email: 'listed@acc.test',
      active: true,
      sessions: 1,
      lockedUntil: null,
    });
  });
});
