'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { changeRole, clearLoginLock, createUser, resetPassword, setUserActive } from '@/lib/server/users';
import { createApiToken, revokeApiToken, TOKEN_SCOPES } from '@/lib/server/auth/tokens';
import { ROLES, type RoleName } from '@/lib/permissions';
import type { ActionResult } from '@/lib/action-result';

const id = z.string().min(1).max(100);
const role = z.enum(ROLES, { error: 'Choose a role.' });
// The password policy (length, common passwords) is the domain's: it answers with fieldErrors.password.
const password = z.string().max(200, 'Password must have at most 200 characters.');
const USERS = '/admin/users';
const TOKENS = '/admin/tokens';

const createUserSchema = z.object({
  email: z.string().trim().email('Enter a valid email address.').max(200),
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  role,
  password,
});

export async function createUserAction(input: unknown): Promise<ActionResult<{ id: string; email: string }>> {
  return runAction('user:manage', createUserSchema, input, async (user, d) => {
    const out = await createUser(user, d);
    revalidatePath(USERS);
    return { id: out.id, email: out.email };
  });
}

export async function changeRoleAction(input: { userId: string; role: string }): Promise<ActionResult<{ id: string; role: RoleName }>> {
  return runAction('user:manage', z.object({ userId: id, role }), input, async (user, d) => {
    const out = await changeRole(user, d);
    revalidatePath(USERS);
    return out;
  });
}

export async function setUserActiveAction(input: {
  userId: string;
  active: boolean;
}): Promise<ActionResult<{ id: string; active: boolean }>> {
  return runAction('user:manage', z.object({ userId: id, active: z.boolean() }), input, async (user, d) => {
    const out = await setUserActive(user, d);
    revalidatePath(USERS);
    revalidatePath(TOKENS); // a deactivated owner's tokens stop working
    return out;
  });
}

export async function resetPasswordAction(input: { userId: string; password: string }): Promise<ActionResult<{ id: string }>> {
  return runAction('user:manage', z.object({ userId: id, password }), input, async (user, d) => {
    const out = await resetPassword(user, d);
    revalidatePath(USERS);
    return out;
  });
}

export async function clearLoginLockAction(input: { userId: string }): Promise<ActionResult<{ id: string; cleared: boolean }>> {
  return runAction('user:manage', z.object({ userId: id }), input, async (user, d) => {
    const out = await clearLoginLock(user, d);
    revalidatePath(USERS);
    return out;
  });
}

/** Days from now, or 'none' for a token that does not expire. */
const expiresDays = z
  .union([
    z.literal('none'),
    z.coerce.number({ error: 'Choose an expiry.' }).int().min(1, 'At least one day.').max(3650, 'At most ten years.'),
  ])
  .transform((days) => (days === 'none' ? null : new Date(Date.now() + days * 86_400_000)));

const createTokenSchema = z.object({
  userId: z.string({ error: 'Choose the owner.' }).min(1, 'Choose the owner.').max(100),
  name: z.string().trim().min(1, 'Give the token a name.').max(100, 'At most 100 characters.'),
  scope: z.enum(TOKEN_SCOPES, { error: 'Choose a scope.' }),
  expiresDays,
});

/** Returns the token's secret: the only time anyone sees it. */
export async function createApiTokenAction(input: unknown): Promise<ActionResult<{ token: string }>> {
  return runAction('user:manage', createTokenSchema, input, async (user, d) => {
    const token = await createApiToken(d.userId, d.name, { scope: d.scope, expiresAt: d.expiresDays, actor: user });
    revalidatePath(TOKENS);
    revalidatePath(USERS);
    return { token };
  });
}

export async function revokeApiTokenAction(input: { tokenId: string }): Promise<ActionResult<{ revoked: true }>> {
  return runAction('user:manage', z.object({ tokenId: id }), input, async (user, d) => {
    await revokeApiToken(user, d.tokenId);
    revalidatePath(TOKENS);
    revalidatePath(USERS);
    return { revoked: true as const };
  });
}
