import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { createCase, useTempBlobRoot } from '../labels/fixtures';
import { db } from '@/lib/server/db';
import { regionDice } from '@/lib/editor/stats';
import { DEFAULT_CRITERIA } from '@/lib/schemas/criteria';
import { saveCriteriaVersion } from '@/lib/server/evaluation/criteria';
import { canaryAtSigning, canaryDecision, checkCanaryHealth } from '@/lib/server/registry/canary';
import { createFlag } from '@/lib/server/flags';
import { recordShadowAgreement } from '@/lib/server/registry/shadow';
import { deploymentReport, type Rates } from '@/lib/server/registry/monitoring';
import { addPrediction, createModel, createWorldUsers, erode, truthMask, type WorldUsers } from './world';
import { AUDIT } from '@/lib/server/audit';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

let users: WorldUsers;
let production: { id: string };
beforeAll(async () => {
  users = await createWorldUsers();
  production = await createModel('seg', '1.0.0', 'PRODUCTION');
  const config = structuredClone(DEFAULT_CRITERIA);
  config.canary = { minCases: 4, flagRateMargin: 0.2, driftRateMargin: 0.3 };
  config.shadow.disagreementDice = 0.9;
  await saveCriteriaVersion(users.ml, { config, reason: 'small canary window for the test' });
});

const rates = (cases: number, flagged: number, withDrift = 0, drifters = 0): Rates => ({
  cases,
  flagged,
  flagRate: cases ? flagged / cases : null,
  withDrift,
  drifters,
  drifterRate: withDrift ? drifters / withDrift : null,
});

describe('canary rule (pure)', () => {
  const cfg = { minCases: 10, flagRateMargin: 0.05, driftRateMargin: 0.1 };
  it('waits for the minimum number of cases, whatever the rates', () => {
    expect(canaryDecision(rates(9, 9), rates(100, 0), cfg)).toMatchObject({ enoughCases: false, rollback: false });
  });
  it('rolls back when the flag rate exceeds production by more than the margin, not at the margin', () => {
    expect(canaryDecision(rates(20, 3), rates(100, 10), cfg).rollback).toBe(false); // 15% vs 10% + 5%
    const d = canaryDecision(rates(20, 4), rates(100, 10), cfg); // 20% vs 15%
    expect(d.rollback).toBe(true);
    expect(d.reasons[0]).toContain('flag rate 20.0%');
  });
  it('rolls back on the drifter rate alone, and ignores a drift rate nobody measured', () => {
    expect(canaryDecision(rates(20, 0, 20, 8), rates(100, 0, 100, 20), cfg)).toMatchObject({
      rollback: true,
      reasons: [expect.stringContaining('drifter rate 40.0%')],
    });
    expect(canaryDecision(rates(20, 0, 0, 0), rates(100, 0, 100, 20), cfg).rollback).toBe(false);
    // production with no drift data counts as 0%
    expect(canaryDecision(rates(20, 0, 20, 3), rates(100, 0), cfg).rollback).toBe(true);
  });
});

describe('the canary at signing (pure)', () => {
  const cfg = { minCases: 10, flagRateMargin: 0.05, driftRateMargin: 0.1 };
  const report = (canary: Rates, production: Rates) =>
    ({ model: canary, production, failedCases: 0 }) as Parameters<typeof canaryAtSigning>[0];
  it('refuses a short canary unless the approver confirms it, and records which it was', () => {
    expect(() => canaryAtSigning(report(rates(3, 0), rates(30, 0)), cfg, false)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', userMessage: expect.stringContaining('3 of the 10 cases') }),
    );
    expect(canaryAtSigning(report(rates(3, 0), rates(30, 0)), cfg, true)).toEqual({ cases: 3, minCases: 10, shortCanaryConfirmed: true });
    expect(canaryAtSigning(report(rates(10, 0), rates(30, 0)), cfg, false)).toEqual({
      cases: 10,
      minCases: 10,
      shortCanaryConfirmed: false,
    });
  });
  it('refuses a canary that failed on a case, confirmation or not', () => {
    const failing = { ...report(rates(12, 0), rates(30, 0)), failedCases: 1 } as Parameters<typeof canaryAtSigning>[0];
    for (const confirm of [false, true])
      expect(() => canaryAtSigning(failing, cfg, confirm)).toThrow(
        expect.objectContaining({ code: 'CONFLICT', userMessage: expect.stringContaining('failed on 1 case') }),
      );
  });
  it('refuses a canary whose rollback rule fires now, confirmation or not', () => {
    for (const confirm of [false, true])
      expect(() => canaryAtSigning(report(rates(20, 4), rates(100, 10)), cfg, confirm)).toThrow(
        expect.objectContaining({ code: 'CONFLICT', userMessage: expect.stringContaining('Roll the canary back') }),
      );
  });
});

async function servedCase(ext: string, canaryId: string, opts: { canaryFlag?: boolean; canaryMask?: Uint8Array }) {
  const caseId = await createCase(ext, { prediction: false });
  const truth = truthMask(0);
  await addPrediction(caseId, production.id, 'PRODUCTION', truth, false);
  const p = await addPrediction(caseId, canaryId, 'CANARY', opts.canaryMask ?? truth, true);
  if (opts.canaryFlag) await db().flag.create({ data: { caseId, predictionId: p.id, userId: users.physician.id, reason: 'BOUNDARY' } });
  await recordShadowAgreement(p.id);
  return { caseId, predictionId: p.id };
}

describe('shadow agreement and canary monitoring', () => {
  it('records Dice per region against the production prediction of the same case, once', async () => {
    const m = await createModel('seg', '1.1.0', 'SHADOW');
    const caseId = await createCase('AG-1', { prediction: false });
    const truth = truthMask(0);
    const prod = await addPrediction(caseId, production.id, 'PRODUCTION', truth);
    const shadow = await addPrediction(caseId, m.id, 'SHADOW', erode(truth, 3));
    const a = await recordShadowAgreement(shadow.id);
    expect(a!.dice).toEqual(regionDice(erode(truth, 3), truth));
    expect(a!.dice.WT).toBeLessThan(1);
    expect(a!.productionPredictionId).toBe(prod.id);
    expect(await recordShadowAgreement(shadow.id)).toEqual(a);
    expect(await db().auditEvent.count({ where: { action: AUDIT.shadowAgreement, entityId: shadow.id } })).toBe(1);
    await expect(recordShadowAgreement(prod.id)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const lonely = await addPrediction(await createCase('AG-2', { prediction: false }), m.id, 'SHADOW', truth);
    expect(await recordShadowAgreement(lonely.id)).toBeNull();
  });

  it('the shadow report lists cases, mean agreement, disagreements, and the clinic signals on those cases', async () => {
    const m = await createModel('seg', '1.2.0', 'SHADOW');
    await db().deployment.create({ data: { modelVersionId: m.id, mode: 'SHADOW' } });
    const truth = truthMask(0);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const caseId = await createCase(`SH-${i}`, { prediction: false });
      const prod = await addPrediction(caseId, production.id, 'PRODUCTION', truth);
      if (i === 0)
        await db().driftReport.create({ data: { caseId, predictionId: prod.id, checks: [], score: 2, isDrifter: true, reasons: [] } });
      if (i === 1) await db().flag.create({ data: { caseId, predictionId: prod.id, userId: users.physician.id, reason: 'MISSED_LESION' } });
      const s = await addPrediction(caseId, m.id, 'SHADOW', i === 2 ? erode(truth, 4) : truth);
      await recordShadowAgreement(s.id);
      ids.push(caseId);
    }
    const r = await deploymentReport(m.id, 'SHADOW', 0.9);
    expect(r.model).toMatchObject({ cases: 3, flagged: 1, withDrift: 1, drifters: 1 });
    expect(r.agreementRecorded).toBe(3);
    const low = regionDice(erode(truth, 4), truth);
    expect(r.agreement.WT).toBeCloseTo((2 + low.WT) / 3, 12);
    expect(r.disagreements.map((d) => d.externalId)).toEqual(['SH-2']);
  });

  it('checkCanaryHealth does nothing before the minimum, then rolls a bad canary back automatically (system actor)', async () => {
    const canary = await createModel('seg', '2.0.0', 'CANARY');
    const dep = await db().deployment.create({ data: { modelVersionId: canary.id, mode: 'CANARY', trafficPercent: 50 } });
    // production answers 4 cases without flags in the same window
    for (let i = 0; i < 4; i++) {
      const caseId = await createCase(`CN-P-${i}`, { prediction: false });
      await addPrediction(caseId, production.id, 'PRODUCTION', truthMask(0), true);
    }
    for (let i = 0; i < 3; i++) {
      await servedCase(`CN-${i}`, canary.id, { canaryFlag: i < 2 });
      const h = await checkCanaryHealth();
      expect(h).toMatchObject({ deploymentId: dep.id, rolledBack: false, decision: { enoughCases: false } });
    }
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: canary.id } })).toMatchObject({ stage: 'CANARY' });
    await servedCase('CN-3', canary.id, {});
    const h = await checkCanaryHealth();
    expect(h!.report.model).toMatchObject({ cases: 4, flagged: 2, flagRate: 0.5 });
    expect(h!.report.production).toMatchObject({ cases: 4, flagged: 0 });
    expect(h).toMatchObject({ rolledBack: true, decision: { enoughCases: true, rollback: true } });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: canary.id } })).toMatchObject({ stage: 'REJECTED' });
    const ended = await db().deployment.findUniqueOrThrow({ where: { id: dep.id } });
    expect(ended.endedAt).not.toBeNull();
    expect(ended.endReason).toContain('automatic rollback: flag rate 50.0%');
    expect((ended.stats as { decision: { rollback: boolean } }).decision.rollback).toBe(true);
    const ev = await db().auditEvent.findFirstOrThrow({ where: { entityId: canary.id, action: AUDIT.modelCanaryRollback } });
    expect(ev).toMatchObject({ actorId: null, actorKind: 'system', data: { automatic: true } });
    expect(await checkCanaryHealth()).toBeNull();
  });

  it('keeps a healthy canary', async () => {
    const canary = await createModel('seg', '2.1.0', 'CANARY');
    await db().deployment.create({ data: { modelVersionId: canary.id, mode: 'CANARY', trafficPercent: 50 } });
    for (let i = 0; i < 5; i++) await servedCase(`OK-${i}`, canary.id, {});
    const h = await checkCanaryHealth();
    expect(h).toMatchObject({ rolledBack: false, decision: { enoughCases: true, rollback: false } });
    expect(h!.report.agreement.WT).toBe(1);
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: canary.id } })).toMatchObject({ stage: 'CANARY' });
  });

  it('a physician flag on a canary prediction re-checks the canary at once, with no further canary case', async () => {
    const canary = await db().modelVersion.findFirstOrThrow({ where: { version: '2.1.0' } });
    const served = await db().prediction.findMany({ where: { modelVersionId: canary.id, role: 'CANARY' }, orderBy: { createdAt: 'asc' } });
    expect(served).toHaveLength(5);
    // 1 of 5 flagged: 20%, not above production's 0% + the 20% margin
    await createFlag(users.physician, { caseId: served[0].caseId, predictionId: served[0].id, reason: 'BOUNDARY' });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: canary.id } })).toMatchObject({ stage: 'CANARY' });
    // production's mask of a canary case was not shown: a physician cannot flag it, and nothing is stored
    const prod = await db().prediction.findFirstOrThrow({ where: { caseId: served[1].caseId, role: 'PRODUCTION' } });
    await expect(
      createFlag(users.physician, { caseId: served[1].caseId, predictionId: prod.id, reason: 'BOUNDARY' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', userMessage: 'That prediction is not shown to clinical users.' });
    expect(await db().flag.count({ where: { predictionId: prod.id } })).toBe(0);
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: canary.id } })).toMatchObject({ stage: 'CANARY' });
    await createFlag(users.physician, { caseId: served[1].caseId, predictionId: served[1].id, reason: 'MISSED_LESION' });
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: canary.id } })).toMatchObject({ stage: 'REJECTED' });
    const ev = await db().auditEvent.findFirstOrThrow({ where: { entityId: canary.id, action: AUDIT.modelCanaryRollback } });
    expect(ev).toMatchObject({ actorKind: 'system', data: { automatic: true, reason: expect.stringContaining('flag rate 40.0%') } });
  });
});
