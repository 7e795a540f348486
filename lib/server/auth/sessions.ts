import 'server-only';
import { db, type Tx } from '../db';

/**
 * Browser sessions are JWTs (next-auth) that name a `UserSession` row; the row, not the JWT, decides whether the
 * session still holds. Sign-out revokes its row; deactivation, a role change and a password reset revoke every row
 * of the user, so an old cookie replayed afterwards is refused at its next request.
 */
export const SESSION_HOURS = 12;
/** lastSeenAt is refreshed at most this often: a write per request would serialise SQLite behind page loads. */
const SEEN_REFRESH_MS = 5 * 60 * 1000;

export async function startSession(userId: string): Promise<string> {
  const row = await db().userSession.create({ data: { userId, expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000) } });
  return row.id;
}

/** The user of a live session, or null when the session was revoked, expired, or its user deactivated. */
export async function sessionUser(sessionId: string, userId: string) {
  const s = await db().userSession.findUnique({ where: { id: sessionId }, include: { user: true } });
  if (!s || s.userId !== userId || s.revokedAt || s.expiresAt <= new Date() || !s.user.active) return null;
  if (Date.now() - s.lastSeenAt.getTime() > SEEN_REFRESH_MS) {
    await db()
      .userSession.update({ where: { id: s.id }, data: { lastSeenAt: new Date() } })
      .catch(() => undefined);
  }
  return s.user;
}

export async function revokeSession(sessionId: string, reason: string): Promise<void> {
  await db().userSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}

/** Inside the transaction that changes the account: both commit or neither does. Returns how many were live. */
export async function revokeUserSessions(tx: Tx, userId: string, reason: string): Promise<number> {
  const { count } = await tx.userSession.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
  return count;
}
