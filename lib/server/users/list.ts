import 'server-only';
import { db } from '../db';
import { throttleKey } from '../auth/throttle';
import type { RoleName } from '@/lib/permissions';

export interface UserRowDto {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  active: boolean;
  createdAt: string;
  /** live (not revoked, not expired) browser sessions */
  sessions: number;
  lastSeenAt: string | null;
  tokens: number;
  lockedUntil: string | null;
  failedSignIns: number;
}

export async function listUsers(): Promise<UserRowDto[]> {
  const now = new Date();
  const users = await db().user.findMany({
    orderBy: [{ active: 'desc' }, { email: 'asc' }],
    include: {
      sessions: { where: { revokedAt: null, expiresAt: { gt: now } }, select: { lastSeenAt: true } },
      apiTokens: { where: { revokedAt: null }, select: { id: true } },
    },
  });
  const throttles = await db().loginThrottle.findMany({ where: { key: { in: users.map((u) => throttleKey('account', u.email)) } } });
  const byKey = new Map(throttles.map((t) => [t.key, t]));
  return users.map((u) => {
    const t = byKey.get(throttleKey('account', u.email));
    const seen = u.sessions.map((s) => s.lastSeenAt.getTime());
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role as RoleName,
      active: u.active,
      createdAt: u.createdAt.toISOString(),
      sessions: u.sessions.length,
      lastSeenAt: seen.length ? new Date(Math.max(...seen)).toISOString() : null,
      tokens: u.apiTokens.length,
      lockedUntil: t?.lockedUntil && t.lockedUntil > now ? t.lockedUntil.toISOString() : null,
      failedSignIns: t?.failures ?? 0,
    };
  });
}
