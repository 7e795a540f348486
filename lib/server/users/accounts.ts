import 'server-only';
import { db, type Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { hashPassword } from '../auth/passwords';
import { assertPasswordAcceptable } from '../auth/password-policy';
import { revokeUserSessions } from '../auth/sessions';
import { clearThrottle, throttleKey } from '../auth/throttle';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { ROLES, type RoleName } from '@/lib/permissions';

/**
 * What an administrator changes on an account. Each change that alters what a signed-in session may do (role,
 * deactivation, password) revokes the user's sessions in the same transaction, so an old cookie is refused at once.
 */
async function account(tx: Tx, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError('NOT_FOUND', 'No such user.');
  return user;
}

/** An administrator cannot lock themselves out of administration, so the install always keeps one. */
function refuseSelf(actor: Actor, userId: string, what: string) {
  if (actor.kind === 'user' && actor.id === userId)
    throw new AppError('CONFLICT', `You cannot ${what} your own account: ask another administrator.`);
}

export async function changeRole(actor: Actor, input: { userId: string; role: string }) {
  if (!(ROLES as readonly string[]).includes(input.role)) throw new AppError('INVALID_INPUT', `Unknown role ${input.role}.`);
  refuseSelf(actor, input.userId, 'change the role of');
  const role = input.role as RoleName;
  return db().$transaction(async (tx) => {
    const user = await account(tx, input.userId);
    if (user.role === role) throw new AppError('CONFLICT', `${user.email} already has that role.`);
    await tx.user.update({ where: { id: user.id }, data: { role } });
    const sessionsRevoked = await revokeUserSessions(tx, user.id, `role changed to ${role}`);
    await recordAudit(tx, {
      actor,
      action: AUDIT.userRoleChange,
      entityId: user.id,
      data: { email: user.email, from: user.role, to: role, sessionsRevoked },
    });
    return { id: user.id, role };
  });
}

export async function setUserActive(actor: Actor, input: { userId: string; active: boolean }) {
  if (!input.active) refuseSelf(actor, input.userId, 'deactivate');
  return db().$transaction(async (tx) => {
    const user = await account(tx, input.userId);
    if (user.active === input.active)
      throw new AppError('CONFLICT', `${user.email} is already ${input.active ? 'active' : 'deactivated'}.`);
    await tx.user.update({ where: { id: user.id }, data: { active: input.active } });
    if (input.active) {
      await recordAudit(tx, { actor, action: AUDIT.userReactivate, entityId: user.id, data: { email: user.email } });
    } else {
      const sessionsRevoked = await revokeUserSessions(tx, user.id, 'account deactivated');
      await recordAudit(tx, { actor, action: AUDIT.userDeactivate, entityId: user.id, data: { email: user.email, sessionsRevoked } });
    }
    return { id: user.id, active: input.active };
  });
}

export async function resetPassword(actor: Actor, input: { userId: string; password: string }) {
  const email = (await account(db(), input.userId)).email;
  assertPasswordAcceptable(input.password, email);
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const user = await account(tx, input.userId);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const sessionsRevoked = await revokeUserSessions(tx, user.id, 'password reset');
    await recordAudit(tx, { actor, action: AUDIT.userPasswordReset, entityId: user.id, data: { email: user.email, sessionsRevoked } });
    return { id: user.id };
  });
}

/** Clears the sign-in lock of an account (its failed-attempt count goes with it). */
export async function clearLoginLock(actor: Actor, input: { userId: string }) {
  const user = await account(db(), input.userId);
  const cleared = await clearThrottle(throttleKey('account', user.email));
  await db().$transaction((tx) =>
    recordAudit(tx, { actor, action: AUDIT.lockoutClear, entityId: user.id, data: { email: user.email, cleared } }),
  );
  return { id: user.id, cleared };
}
