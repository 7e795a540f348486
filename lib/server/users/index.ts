import 'server-only';
import { z } from 'zod';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { hashPassword } from '../auth/passwords';
import { assertPasswordAcceptable } from '../auth/password-policy';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { ROLES } from '@/lib/permissions';

export { changeRole, clearLoginLock, resetPassword, setUserActive } from './accounts';
export { listUsers, type UserRowDto } from './list';

export const createUserInput = z.object({
  email: z.string().trim().email().toLowerCase(),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  password: z.string(),
});

export type CreateUserInput = z.infer<typeof createUserInput>;

/** Creates a user, or (with `upsert`) resets an existing user's name, role and password — used by the demo seed. */
export async function createUser(actor: Actor, input: CreateUserInput, opts: { upsert?: boolean } = {}) {
  const parsed = createUserInput.safeParse(input);
  if (!parsed.success)
    throw new AppError('INVALID_INPUT', 'Check the highlighted fields.', { fieldErrors: z.flattenError(parsed.error).fieldErrors });
  const data = parsed.data;
  assertPasswordAcceptable(data.password, data.email);
  const passwordHash = await hashPassword(data.password);
  return db().$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: data.email } });
    if (existing && !opts.upsert) throw new AppError('CONFLICT', `A user with email ${data.email} already exists.`);
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { name: data.name, role: data.role, passwordHash, active: true } })
      : await tx.user.create({ data: { email: data.email, name: data.name, role: data.role, passwordHash } });
    await recordAudit(tx, {
      actor,
      action: existing ? AUDIT.userReset : AUDIT.userCreate,
      entityId: user.id,
      data: { email: user.email, role: user.role },
    });
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  });
}
