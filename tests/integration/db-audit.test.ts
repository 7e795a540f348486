import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT, recordAudit, listAuditEvents } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';

const testDb = useTestDb();
const ingested = (externalId: string) => ({ externalId, modalities: [], referenceMask: false, site: null });

describe(`database and audit (${process.env.TEST_LABEL ?? 'generated provider'})`, () => {
  it('runs on the provider the generated client targets', () => {
    expect(testDb.db?.url.startsWith(testDb.db.provider === 'sqlite' ? 'file:' : 'postgresql:')).toBe(true);
  });

  it('commits a state change and its audit event together', async () => {
    const c = await db().$transaction(async (tx) => {
      const created = await tx.case.create({ data: { externalId: 'AUDIT-1' } });
      await recordAudit(tx, { actor: SYSTEM, action: AUDIT.caseIngest, entityId: created.id, data: ingested('AUDIT-1') });
      return created;
    });
    const events = await listAuditEvents(db(), { entityType: 'Case' });
    expect(events.map((e) => e.entityId)).toContain(c.id);
    expect(events[0].actor).toBe('system');
  });

  it('rolls back the audit event when the state change fails', async () => {
    await expect(
      db().$transaction(async (tx) => {
        await recordAudit(tx, { actor: SYSTEM, action: AUDIT.caseIngest, entityId: 'dup', data: ingested('AUDIT-dup') });
        await tx.case.create({ data: { externalId: 'AUDIT-1' } }); // unique violation
      }),
    ).rejects.toThrow();
    const events = await listAuditEvents(db(), { entityType: 'Case' });
    expect(events.find((e) => e.entityId === 'dup')).toBeUndefined();
  });

  it('stores and filters JSON portably', async () => {
    const row = await db().setting.create({ data: { key: 'retrain.n', value: { n: 50, nested: { a: [1, 2] } } } });
    expect((row.value as { nested: { a: number[] } }).nested.a).toEqual([1, 2]);
  });
});
