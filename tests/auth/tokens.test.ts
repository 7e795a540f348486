/**
 * API tokens: the secret is returned once and only its hash stored; scope narrows the owner's role; expiry and
 * revocation take effect at the next request; issuing and revoking are audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { actorForToken, createApiToken, hashToken, listApiTokens, revokeApiToken, tokenAllows } from '@/lib/server/auth/tokens';
import { createUser, setUserActive } from '@/lib/server/users';

useTestDb();
let admin: { kind: 'user'; id: string; email: string; name: string; role: 'ADMIN' };
let bridge: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  admin = {
    kind: 'user',
    ...(await createUser(SYSTEM, { email: 'admin@tok.test', name: 'A', role: 'ADMIN', password: 'admin passphrase long' })),
    role: 'ADMIN',
  };
  bridge = await createUser(admin, {
    email: 'pacs@tok.test',
    name: 'PACS bridge',
    role: 'ML_ENGINEER',
    password: 'bridge passphrase long',
  });
});

describe('API tokens', () => {
  it('stores only the hash, acts as its owner within its scope, and records who issued it', async () => {
    const token = await createApiToken(bridge.id, 'orthanc router', { scope: 'INGEST', actor: admin });
    const row = await db().apiToken.findFirstOrThrow({ where: { name: 'orthanc router' } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.createdById).toBe(admin.id);
    expect(await actorForToken(token)).toMatchObject({ kind: 'token', userId: bridge.id, role: 'ML_ENGINEER', scope: 'INGEST' });
    const ev = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.tokenCreate, entityId: row.id } });
    expect(ev.data).toMatchObject({ ownerEmail: 'pacs@tok.test', scope: 'INGEST', expiresAt: null });
    expect(JSON.stringify(ev.data)).not.toContain(token);
  });

  it('scopes: ingest-only sends cases only, read-only views only, role scope follows the role', () => {
    expect(tokenAllows('INGEST', 'case:ingest')).toBe(true);
    expect(tokenAllows('INGEST', 'case:view')).toBe(false);
    expect(tokenAllows('READ', 'case:view')).toBe(true);
    expect(tokenAllows('READ', 'run:view')).toBe(true);
    expect(tokenAllows('READ', 'case:ingest')).toBe(false);
    expect(tokenAllows('READ', 'label:edit')).toBe(false);
    expect(tokenAllows('ROLE', 'model:promote')).toBe(true);
  });

  it('an expired token is refused, and no expiry in the past is accepted', async () => {
    await expect(createApiToken(bridge.id, 'stale', { expiresAt: new Date(Date.now() - 1000) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const token = await createApiToken(bridge.id, 'short-lived', { expiresAt: new Date(Date.now() + 60_000) });
    expect(await actorForToken(token)).not.toBeNull();
    await db().apiToken.updateMany({ where: { name: 'short-lived' }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await actorForToken(token)).toBeNull();
    expect((await listApiTokens()).find((t) => t.name === 'short-lived')?.status).toBe('expired');
  });

  it('revocation takes effect at the next request and is audited; revoking twice is refused', async () => {
    const token = await createApiToken(bridge.id, 'to revoke', { actor: admin });
    const id = (await db().apiToken.findFirstOrThrow({ where: { name: 'to revoke' } })).id;
    expect(await actorForToken(token)).not.toBeNull();
    await revokeApiToken(admin, id);
    expect(await actorForToken(token)).toBeNull();
    await expect(revokeApiToken(admin, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db().auditEvent.count({ where: { action: AUDIT.tokenRevoke, entityId: id } })).toBe(1);
    expect((await listApiTokens()).find((t) => t.id === id)).toMatchObject({
      status: 'revoked',
      owner: 'pacs@tok.test',
      lastUsedAt: expect.any(String),
    });
  });

  it("a deactivated owner's tokens stop working, and none can be issued to them", async () => {
    const owner = await createUser(admin, { email: 'leaver@tok.test', name: 'L', role: 'PHYSICIAN', password: 'leaver passphrase long' });
    const token = await createApiToken(owner.id, 'leaver script');
    await setUserActive(admin, { userId: owner.id, active: false });
    expect(await actorForToken(token)).toBeNull();
    await expect(createApiToken(owner.id, 'another')).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
