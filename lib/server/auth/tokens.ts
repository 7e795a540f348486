import 'server-only';
import crypto from 'node:crypto';
import { db } from '../db';
import type { Actor } from './actor';
import type { RoleName } from '@/lib/permissions';

/** API tokens are random 32-byte strings; only their sha256 is stored, so a database leak reveals no token. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function newToken(prefix = 'tw'): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
}

export async function createApiToken(userId: string, name: string): Promise<string> {
  const token = newToken();
  await db().apiToken.create({ data: { userId, name, tokenHash: hashToken(token) } });
  return token;
}

export async function actorForToken(token: string): Promise<(Extract<Actor, { kind: 'token' }>) | null> {
  if (!token) return null;
  const row = await db().apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || !row.user.active) return null;
  await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return { kind: 'token', id: row.id, name: row.name, userId: row.userId, role: row.user.role as RoleName };
}
