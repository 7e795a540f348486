import 'server-only';
import { db } from '../db';
import { env } from '../env';

/**
 * Failed sign-ins are counted per account and per client address. Past a threshold each further failure locks the
 * key for twice as long as the last (1 minute, 2, 4 ... at most an hour); an administrator can clear a lock at once.
 * Counts decay after an hour without failures. A locked key is refused even with the right password, and is not
 * counted further (so a lock cannot be stretched for ever by guessing).
 */
export const POLICY = {
  baseMs: 60_000,
  maxMs: 3600_000,
  decayMs: 3600_000,
  threshold: (kind: ThrottleKind) => (kind === 'account' ? env().LOGIN_ACCOUNT_FAILURES : env().LOGIN_ADDRESS_FAILURES),
};

export type ThrottleKind = 'account' | 'address';

export function throttleKey(kind: ThrottleKind, value: string): string {
  return `${kind}:${value.trim().toLowerCase()}`;
}

/** The latest lock among the keys that is still in force, or null. */
export async function activeLock(keys: string[]): Promise<Date | null> {
  const rows = await db().loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: new Date() } } });
  return rows.reduce<Date | null>((latest, r) => (!latest || r.lockedUntil! > latest ? r.lockedUntil : latest), null);
}

/** Counts one failure against the key; returns the lock it starts, if it starts one. */
export async function registerFailure(kind: ThrottleKind, key: string): Promise<{ failures: number; lockedUntil: Date | null }> {
  const now = new Date();
  await db().loginThrottle.updateMany({
    where: { key, lastFailureAt: { lt: new Date(now.getTime() - POLICY.decayMs) } },
    data: { failures: 0 },
  });
  const row = await db().loginThrottle.upsert({
    where: { key },
    create: { key, failures: 1, lastFailureAt: now },
    update: { failures: { increment: 1 }, lastFailureAt: now },
  });
  const threshold = POLICY.threshold(kind);
  if (row.failures < threshold) return { failures: row.failures, lockedUntil: null };
  const lockedUntil = new Date(now.getTime() + Math.min(POLICY.baseMs * 2 ** (row.failures - threshold), POLICY.maxMs));
  await db().loginThrottle.update({ where: { key }, data: { lockedUntil } });
  return { failures: row.failures, lockedUntil };
}

export async function clearThrottle(key: string): Promise<boolean> {
  const { count } = await db().loginThrottle.deleteMany({ where: { key } });
  return count > 0;
}
