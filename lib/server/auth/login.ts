import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { SYSTEM } from './actor';
import { hashPassword, verifyPassword } from './passwords';
import { activeLock, clearThrottle, registerFailure, throttleKey, type ThrottleKind } from './throttle';

export type LoginResult =
  | { ok: true; user: { id: string; email: string; name: string; role: string } }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterS?: number };

/** A hash of nothing anyone knows, at the real cost: an unknown email costs the same bcrypt work as a known one. */
let decoy: Promise<string> | null = null;
const decoyHash = () => (decoy ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`));

async function auditFailure(email: string, address: string, reason: 'bad-password' | 'unknown-account' | 'inactive' | 'throttled') {
  await db().$transaction((tx) =>
    recordAudit(tx, { actor: SYSTEM, action: AUDIT.loginFailed, entityId: email, data: { email, address, reason } }),
  );
}

async function countFailure(kind: ThrottleKind, value: string, address: string) {
  const { failures, lockedUntil } = await registerFailure(kind, throttleKey(kind, value));
  if (!lockedUntil) return;
  await db().$transaction((tx) =>
    recordAudit(tx, {
      actor: SYSTEM,
      action: AUDIT.loginLockout,
      entityId: throttleKey(kind, value),
      data: { kind, failures, lockedUntil: lockedUntil.toISOString(), address },
    }),
  );
}

/**
 * Checks a sign-in. Always does one bcrypt comparison (known or unknown email, locked or not), so the answer's
 * timing says nothing about which accounts exist; failures are counted, throttled and audited.
 */
export async function authenticate(emailRaw: string, password: string, address: string): Promise<LoginResult> {
  const email = emailRaw.trim().toLowerCase();
  const keys = [throttleKey('account', email), throttleKey('address', address)];
  const [lock, user] = await Promise.all([activeLock(keys), db().user.findUnique({ where: { email } })]);
  const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (lock) {
    await auditFailure(email, address, 'throttled');
    return { ok: false, reason: 'throttled', retryAfterS: Math.ceil((lock.getTime() - Date.now()) / 1000) };
  }
  if (!user || !user.active || !matches) {
    await auditFailure(email, address, !user ? 'unknown-account' : !user.active ? 'inactive' : 'bad-password');
    await countFailure('account', email, address);
    await countFailure('address', address, address);
    return { ok: false, reason: 'invalid' };
  }
  await clearThrottle(keys[0]);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
