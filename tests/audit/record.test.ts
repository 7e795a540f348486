import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT, parseAuditData, parseAuditEvent, recordAudit } from '@/lib/server/audit';
import { auditReason } from '@/lib/server/audit/catalogue';
import { SYSTEM } from '@/lib/server/auth/actor';

useTestDb();

const flag = { flagId: 'f1', predictionId: null, reason: 'WRONG_SEGMENTATION' };

describe('recordAudit', () => {
  it('stores a catalogue action under the catalogue entity type', async () => {
    await db().$transaction((tx) => recordAudit(tx, { actor: SYSTEM, action: AUDIT.caseFlag, entityId: 'case-1', data: flag }));
    const row = await db().auditEvent.findFirstOrThrow({ where: { entityId: 'case-1' } });
    expect(row).toMatchObject({ action: AUDIT.caseFlag, entityType: 'Case', actorKind: 'system', data: flag });
  });

  it('rejects data that does not match the schema, and nothing is stored', async () => {
    const wrongType = { ...flag, flagId: 7 };
    const missing = { flagId: 'f1', reason: 'x' };
    const extra = { ...flag, note: 'unlisted key' };
    for (const data of [wrongType, missing, extra]) {
      await expect(
        // @ts-expect-error each value breaks the case.flag schema (the runtime check covers data typed loosely upstream)
        db().$transaction((tx) => recordAudit(tx, { actor: SYSTEM, action: AUDIT.caseFlag, entityId: 'case-2', data })),
      ).rejects.toThrow(/audit data for case\.flag does not match the catalogue/);
    }
    expect(await db().auditEvent.count({ where: { entityId: 'case-2' } })).toBe(0);
  });

  it('accepts only catalogue actions, with their own data shape (checked by tsc)', () => {
    const typeChecks = (tx: Parameters<typeof recordAudit>[0]) => [
      // @ts-expect-error not a catalogue action
      recordAudit(tx, { actor: SYSTEM, action: 'case.create', entityId: 'x', data: {} }),
      // @ts-expect-error case.assign records an assigneeId, not a flag
      recordAudit(tx, { actor: SYSTEM, action: AUDIT.caseAssign, entityId: 'x', data: flag }),
    ];
    expect(typeChecks).toBeTypeOf('function');
  });
});

describe('reading audit data', () => {
  it('types data that fits and returns null for a row that does not (legacy data never crashes a reader)', () => {
    expect(parseAuditData(AUDIT.caseFlag, flag)?.flagId).toBe('f1');
    expect(parseAuditData(AUDIT.caseFlag, { flagId: 'f1' })).toBeNull();
    expect(parseAuditData(AUDIT.caseFlag, null)).toBeNull();
  });

  it('reads unknown keys leniently and shadow agreements with or without dice', () => {
    const agreement = { predictionId: 'p', productionPredictionId: 'q', caseId: 'c', modelVersionId: 'm' };
    expect(parseAuditData(AUDIT.shadowAgreement, agreement)).toEqual(agreement);
    expect(parseAuditData(AUDIT.shadowAgreement, { ...agreement, dice: { WT: 0.9, TC: 0.8, ET: 0.7 }, later: true })?.dice?.ET).toBe(0.7);
  });

  it('narrows mixed events by action, and finds the reason where an action records one', () => {
    const event = parseAuditEvent({
      action: AUDIT.modelRestore,
      data: { reason: 'rollback', from: 'ARCHIVED', to: 'PRODUCTION', replacedId: 'm2' },
    });
    expect(event?.action === AUDIT.modelRestore && event.data.replacedId).toBe('m2');
    expect(parseAuditEvent({ action: 'case.create', data: {} })).toBeNull();
    expect(
      auditReason({ action: AUDIT.modelReject, data: { reason: 'worse ET', from: 'SHADOW', to: 'REJECTED', deploymentIds: [] } }),
    ).toBe('worse ET');
    expect(
      auditReason({ action: AUDIT.modelRegister, data: { name: 'n', version: '1', stage: 'CANDIDATE', sha256: 's', waitingCases: 0 } }),
    ).toBeNull();
  });
});
