/**
 * The permission checks of pages, actions and route handlers record every refusal (who, which permission, where),
 * and accept a session only while its UserSession row holds: the same JWT is refused after its row is revoked.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { revokeSession, startSession } from '@/lib/server/auth/sessions';
import { createApiToken } from '@/lib/server/auth/tokens';
import { createUser } from '@/lib/server/users';

const jwt = vi.hoisted(() => ({ session: null as null | { user: { id: string; sessionId: string } }, authorization: '' }));
vi.mock('next-auth', () => ({ getServerSession: async () => jwt.session }));
vi.mock('next/headers', () => ({ headers: async () => new Headers(jwt.authorization ? { authorization: jwt.authorization } : {}) }));
vi.mock('next/navigation', () => ({
  redirect: (to: string) => {
    throw new Error(`redirect:${to}`);
  },
}));
const { currentUser, requireActionUser, requirePageUser, requireRouteActor } = await import('@/lib/server/auth/session');

useTestDb();
let physician: { id: string };

beforeAll(async () => {
  physician = await createUser(SYSTEM, { email: 'phys@deny.test', name: 'Phys', role: 'PHYSICIAN', password: 'physician passphrase' });
  jwt.session = { user: { id: physician.id, sessionId: await startSession(physician.id) } };
});

const denials = () => db().auditEvent.findMany({ where: { action: AUDIT.permissionDenied }, orderBy: { createdAt: 'asc' } });

describe('permission denials are audited', () => {
  it('a page, an action and a route handler each record who was refused what', async () => {
    await expect(requirePageUser('model:promote')).rejects.toThrow('redirect:/forbidden');
    await expect(requireActionUser('label:edit')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(requireRouteActor('run:view')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await denials()).map((e) => [e.actorId, e.entityId, (e.data as { via: string }).via])).toEqual([
      [physician.id, 'model:promote', 'page'],
      [physician.id, 'label:edit', 'action'],
      [physician.id, 'run:view', 'route'],
    ]);
  });

  it("a token outside its scope is refused and recorded, though its owner's role would allow it", async () => {
    jwt.authorization = `Bearer ${await createApiToken(physician.id, 'ingest bridge', { scope: 'INGEST' })}`;
    try {
      expect(await requireRouteActor('case:ingest')).toMatchObject({ kind: 'token', scope: 'INGEST' });
      await expect(requireRouteActor('case:view')).rejects.toMatchObject({
        code: 'FORBIDDEN',
        userMessage: expect.stringContaining('scope'),
      });
      expect((await denials()).at(-1)).toMatchObject({ entityId: 'case:view', actorKind: 'api-token:ingest bridge' });
    } finally {
      jwt.authorization = '';
    }
  });
});

describe('a session holds only while its row does', () => {
  it('the same JWT is refused once its session is revoked', async () => {
    expect((await currentUser())?.id).toBe(physician.id);
    await revokeSession(jwt.session!.user.sessionId, 'signed out');
    expect(await currentUser()).toBeNull();
    await expect(requirePageUser('case:view')).rejects.toThrow('redirect:/login');
  });

  it('a JWT from before sessions had rows (no session id) is refused', async () => {
    jwt.session = { user: { id: physician.id, sessionId: undefined as unknown as string } };
    expect(await currentUser()).toBeNull();
  });
});
