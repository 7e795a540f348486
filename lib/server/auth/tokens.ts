import 'server-only';
import crypto from 'node:crypto';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { SYSTEM, type Actor } from './actor';
import type { Permission, RoleName, TokenScope } from '@/lib/permissions';

/**
 * API tokens for machine clients (PACS bridges, `npm run ingest`): random 32-byte strings, shown once; only their
 * sha256 is stored, so a database leak reveals no token. A token acts as its owner's role, narrowed by its scope,
 * until it expires or is revoked (both take effect at the next request).
 */
export { TOKEN_SCOPES, type TokenScope } from '@/lib/permissions';

export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  INGEST: 'ingest only (send cases)',
  READ: 'read only (view permissions)',
  ROLE: "everything the owner's role may do",
};

export function tokenAllows(scope: TokenScope, permission: Permission): boolean {
  if (scope === 'ROLE') return true;
  if (scope === 'INGEST') return permission === 'case:ingest';
  return permission.endsWith(':view');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function newToken(prefix = 'tw'): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
}

export interface TokenOptions {
  scope?: TokenScope;
  expiresAt?: Date | null;
  /** who issues it (an administrator, the CLI as system); recorded on the token and in the audit log */
  actor?: Actor;
}

/** Issues a token for `userId` and returns its secret: the only time anyone sees it. */
export async function createApiToken(userId: string, name: string, opts: TokenOptions = {}): Promise<string> {
  const actor = opts.actor ?? SYSTEM;
  const scope = opts.scope ?? 'ROLE';
  const label = name.trim();
  if (!label || label.length > 100) throw new AppError('INVALID_INPUT', 'Give the token a name of 1 to 100 characters.');
  if (opts.expiresAt && opts.expiresAt <= new Date()) throw new AppError('INVALID_INPUT', 'The expiry must lie in the future.');
  const token = newToken();
  await db().$transaction(async (tx) => {
    const owner = await tx.user.findUnique({ where: { id: userId } });
    if (!owner) throw new AppError('NOT_FOUND', 'No such user.');
    if (!owner.active) throw new AppError('CONFLICT', `${owner.email} is deactivated: reactivate the account before issuing it a token.`);
    const row = await tx.apiToken.create({
      data: {
        userId,
        name: label,
        tokenHash: hashToken(token),
        scope,
        expiresAt: opts.expiresAt ?? null,
        createdById: actor.kind === 'user' ? actor.id : null,
      },
    });
    await recordAudit(tx, {
      actor,
      action: AUDIT.tokenCreate,
      entityId: row.id,
      data: { name: label, ownerId: owner.id, ownerEmail: owner.email, scope, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
  });
  return token;
}

export async function revokeApiToken(actor: Actor, tokenId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: tokenId }, include: { user: true } });
    if (!row) throw new AppError('NOT_FOUND', 'No such API token.');
    if (row.revokedAt) throw new AppError('CONFLICT', `The token "${row.name}" is already revoked.`);
    await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { actor, action: AUDIT.tokenRevoke, entityId: row.id, data: { name: row.name, ownerEmail: row.user.email } });
  });
}

export interface ApiTokenDto {
  id: string;
  name: string;
  owner: string;
  ownerRole: RoleName;
  scope: TokenScope;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export async function listApiTokens(): Promise<ApiTokenDto[]> {
  const rows = await db().apiToken.findMany({
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
    include: { user: { select: { email: true, role: true } }, createdBy: { select: { email: true } } },
  });
  const now = new Date();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    owner: r.user.email,
    ownerRole: r.user.role as RoleName,
    scope: r.scope as TokenScope,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy?.email ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    status: r.revokedAt ? 'revoked' : r.expiresAt && r.expiresAt <= now ? 'expired' : 'active',
  }));
}

export async function actorForToken(token: string): Promise<Extract<Actor, { kind: 'token' }> | null> {
  if (!token) return null;
  const row = await db().apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date()) || !row.user.active) return null;
  await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return { kind: 'token', id: row.id, name: row.name, userId: row.userId, role: row.user.role as RoleName, scope: row.scope as TokenScope };
}
