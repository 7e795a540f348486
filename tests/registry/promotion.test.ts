import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTempBlobRoot } from '../labels/fixtures';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { blobs } from '@/lib/server/blobs';
import { SYSTEM, type Actor } from '@/lib/server/auth/actor';
import { servingPlan } from '@/lib/server/serving/routing';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { saveCriteriaVersion } from '@/lib/server/evaluation/criteria';
import { DEFAULT_CRITERIA } from '@/lib/schemas/criteria';
import { saveLabelVersion } from '@/lib/server/labels';
import { promoteToCanary, promoteToProduction, promoteToShadow, rejectModel } from '@/lib/server/registry/promotion';
import { rollbackCanary, rollbackProduction } from '@/lib/server/registry/rollback';
import { productionHistory } from '@/lib/server/registry/history';
import {
  addPrediction,
  createModel,
  createWorldUsers,
  dataset,
  DIMS,
  labelledCase,
  ML_PASSWORD,
  snapshot,
  truthMask,
  erode,
  type WorldUsers,
} from './world';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

let users: WorldUsers;
let production: { id: string };
let snapshotId: string;
const labelled: { caseId: string; versionId: string; truth: Uint8Array }[] = [];

/** A candidate with stored predictions on the hold-out (`good`: the truth; else nothing), evaluated against production. */
async function evaluatedCandidate(version: string, good: boolean) {
  const m = await createModel('seg', version, 'CANDIDATE', { snapshotId, parentId: production.id });
  for (const c of labelled) await addPrediction(c.caseId, m.id, 'SHADOW', good ? c.truth : new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]));
  const { verdict } = await runEvaluation(m.id);
  expect(verdict).toBe(good ? 'PASS' : 'FAIL');
  return m;
}

const stage = async (id: string) => (await db().modelVersion.findUniqueOrThrow({ where: { id } })).stage;
const actions = async (id: string) =>
  (
    await db().auditEvent.findMany({ where: { entityType: 'ModelVersion', entityId: id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
  ).map((e) => e.action);

beforeAll(async () => {
  users = await createWorldUsers();
  for (let i = 0; i < 4; i++) {
    const truth = truthMask(i % 3);
    labelled.push({ ...(await labelledCase(users, `PR-${i}`, truth)), truth });
  }
  await dataset(
    'holdout-internal',
    'HOLDOUT_INTERNAL',
    labelled.map((c) => c.caseId),
  );
  production = await createModel('seg', '1.0.0', 'PRODUCTION');
  for (const c of labelled) await addPrediction(c.caseId, production.id, 'PRODUCTION', erode(c.truth, 2));
  const train = [];
  for (let i = 0; i < 2; i++) train.push({ ...(await labelledCase(users, `PR-TRAIN-${i}`, truthMask(i))), split: 'TRAIN' });
  snapshotId = (await snapshot('retrain', train)).id;
});

describe('promotion state machine', () => {
  it('refuses clinicians and the system at every step, before looking at the model', async () => {
    const m = await evaluatedCandidate('2.0.0', true);
    const refused: Actor[] = [users.rad1, users.physician, SYSTEM];
    for (const actor of refused) {
      await expect(promoteToShadow(actor, { modelVersionId: m.id, reason: 'go' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(promoteToCanary(actor, { modelVersionId: m.id, trafficPercent: 10, reason: 'go' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(promoteToProduction(actor, { modelVersionId: m.id, password: ML_PASSWORD, reason: 'go' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(rollbackProduction(actor, { modelVersionId: m.id, reason: 'go' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(rejectModel(actor, { modelVersionId: m.id, reason: 'go' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(rollbackCanary(users.physician, { modelVersionId: m.id, reason: 'go' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await stage(m.id)).toBe('CANDIDATE');
    expect(await actions(m.id)).toEqual([]);
  });

  it('a failing candidate cannot enter shadow; neither can one without an evaluation under the current criteria', async () => {
    const bad = await evaluatedCandidate('2.1.0', false);
    await expect(promoteToShadow(users.ml, { modelVersionId: bad.id, reason: 'try' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('FAILED'),
    });
    const never = await createModel('seg', '2.2.0', 'CANDIDATE');
    await expect(promoteToShadow(users.ml, { modelVersionId: never.id, reason: 'try' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('no finished evaluation'),
    });
    const good = await evaluatedCandidate('2.3.0', true);
    await saveCriteriaVersion(users.ml, { config: DEFAULT_CRITERIA, reason: 'same rules, new version' });
    await expect(promoteToShadow(users.ml, { modelVersionId: good.id, reason: 'try' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('evaluate again'),
    });
    await expect(promoteToShadow(users.ml, { modelVersionId: good.id, reason: ' ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    for (const id of [bad.id, never.id, good.id]) expect(await stage(id)).toBe('CANDIDATE');
    expect(await db().deployment.count()).toBe(0);
  });

  it('refuses every step out of order', async () => {
    const m = await evaluatedCandidate('3.0.0', true);
    const ml = users.ml;
    await expect(promoteToCanary(ml, { modelVersionId: m.id, trafficPercent: 10, reason: 'skip shadow' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(promoteToProduction(ml, { modelVersionId: m.id, password: ML_PASSWORD, reason: 'skip all' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(rollbackCanary(ml, { modelVersionId: m.id, reason: 'not in canary' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await promoteToShadow(ml, { modelVersionId: m.id, reason: 'shadow it' });
    await expect(promoteToShadow(ml, { modelVersionId: m.id, reason: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(promoteToProduction(ml, { modelVersionId: m.id, password: ML_PASSWORD, reason: 'skip canary' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(promoteToCanary(ml, { modelVersionId: m.id, trafficPercent: 0, reason: 'zero' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(promoteToCanary(ml, { modelVersionId: m.id, trafficPercent: 80, reason: 'too much' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(promoteToShadow(ml, { modelVersionId: production.id, reason: 'prod' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(rejectModel(ml, { modelVersionId: production.id, reason: 'prod' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await rejectModel(ml, { modelVersionId: m.id, reason: 'superseded' })).stage).toBe('REJECTED');
    expect(await db().deployment.count({ where: { modelVersionId: m.id, endedAt: null } })).toBe(0);
    for (const step of [
      () => promoteToShadow(ml, { modelVersionId: m.id, reason: 'revive' }),
      () => promoteToCanary(ml, { modelVersionId: m.id, trafficPercent: 5, reason: 'revive' }),
      () => promoteToProduction(ml, { modelVersionId: m.id, password: ML_PASSWORD, reason: 'revive' }),
      () => rejectModel(ml, { modelVersionId: m.id, reason: 'again' }),
    ])
      await expect(step()).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await actions(m.id)).toEqual([AUDIT.modelPromoteShadow, AUDIT.modelReject]);
  });

  it('walks shadow -> canary -> production with a password signature, archives the old production, and rolls back in one action', async () => {
    const m = await evaluatedCandidate('4.0.0', true);
    const ml = users.ml;
    await promoteToShadow(ml, { modelVersionId: m.id, reason: 'passed the gate' });
    expect(await servingPlan('any-case')).toEqual(expect.arrayContaining([{ modelVersionId: m.id, role: 'SHADOW', returned: false }]));
    await promoteToCanary(ml, { modelVersionId: m.id, trafficPercent: 20, reason: 'shadow agreed' });
    const deps = await db().deployment.findMany({ where: { modelVersionId: m.id }, orderBy: { startedAt: 'asc' } });
    expect(deps.map((d) => [d.mode, d.trafficPercent, d.endedAt === null])).toEqual([
      ['SHADOW', 0, false],
      ['CANARY', 20, true],
    ]);
    expect(deps[0].endReason).toContain('promoted to canary');
    // a second canary cannot start while this one runs
    const other = await evaluatedCandidate('4.1.0', true);
    await promoteToShadow(ml, { modelVersionId: other.id, reason: 'parallel shadow' });
    await expect(promoteToCanary(ml, { modelVersionId: other.id, trafficPercent: 5, reason: 'second canary' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    // the canary has answered none of the 20 cases its rollback rule needs: refused unless the approver confirms
    const minCases = DEFAULT_CRITERIA.canary.minCases;
    await expect(promoteToProduction(ml, { modelVersionId: m.id, password: ML_PASSWORD, reason: 'ship it' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining(`0 of the ${minCases} cases`),
      details: { fieldErrors: { confirmShortCanary: expect.any(Array) } },
    });
    expect(await stage(m.id)).toBe('CANARY');
    expect(await actions(m.id)).toEqual([AUDIT.modelPromoteShadow, AUDIT.modelPromoteCanary]);

    const confirmed = { confirmShortCanary: true };
    await expect(
      promoteToProduction(ml, { modelVersionId: m.id, password: 'wrong-password', reason: 'ship it', ...confirmed }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { fieldErrors: { password: ['Incorrect password'] } } });
    expect(await stage(m.id)).toBe('CANARY');
    expect(await db().approval.count()).toBe(0);
    expect(await actions(m.id)).toContain(AUDIT.modelApprovalSignatureFailed);

    await promoteToProduction(ml, { modelVersionId: m.id, password: ML_PASSWORD, reason: 'canary healthy for a week', ...confirmed });
    expect(await stage(m.id)).toBe('PRODUCTION');
    expect(await stage(production.id)).toBe('ARCHIVED');
    expect(await db().deployment.count({ where: { modelVersionId: m.id, endedAt: null } })).toBe(0);
    const approval = await db().approval.findFirstOrThrow({ where: { modelVersionId: m.id } });
    expect(approval).toMatchObject({ decision: 'APPROVED', approverId: ml.id, reason: 'canary healthy for a week' });
    const html = new TextDecoder().decode(await blobs().get(approval.evidenceBlobKey!));
    for (const id of ['summary', 'models', 'lineage', 'acceptance', 'regression', 'deployment', 'approval'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('Mia ML');
    expect(html).toContain('PASSED: none of the 4 hold-out cases');
    expect(html).toContain(`0 cases answered; the automatic rollback rule needs ${minCases}. SHORT CANARY`);
    const promote = await db().auditEvent.findFirstOrThrow({ where: { entityId: m.id, action: AUDIT.modelPromoteProduction } });
    expect(promote).toMatchObject({
      actorId: ml.id,
      data: {
        reason: 'canary healthy for a week',
        previousProductionId: production.id,
        approvalId: approval.id,
        signature: 'password-verified',
        canary: { cases: 0, minCases, shortCanaryConfirmed: true },
      },
    });
    expect(await actions(production.id)).toEqual([AUDIT.modelArchive]);
    expect((await servingPlan('x'))[0]).toMatchObject({ modelVersionId: m.id, role: 'PRODUCTION' });

    // the engineer rolls back the model on their screen: another one is refused, and nothing changes
    await expect(rollbackProduction(ml, { modelVersionId: production.id, reason: 'wrong page' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('is in production now'),
    });
    expect(await stage(m.id)).toBe('PRODUCTION');
    const { rolledBack, restored } = await rollbackProduction(ml, { modelVersionId: m.id, reason: 'flag spike after release' });
    expect(rolledBack).toMatchObject({ id: m.id, stage: 'REJECTED' });
    expect(restored).toMatchObject({ id: production.id, stage: 'PRODUCTION' });
    expect(await stage(production.id)).toBe('PRODUCTION');
    expect((await servingPlan('x'))[0]).toMatchObject({ modelVersionId: production.id, role: 'PRODUCTION' });
    expect(await db().approval.findFirst({ where: { modelVersionId: m.id, decision: 'REJECTED' } })).toMatchObject({
      reason: 'flag spike after release',
      approverId: ml.id,
    });
    expect(await actions(m.id)).toEqual([
      AUDIT.modelPromoteShadow,
      AUDIT.modelPromoteCanary,
      AUDIT.modelApprovalSignatureFailed,
      AUDIT.modelPromoteProduction,
      AUDIT.modelRollback,
    ]);
    expect(await actions(production.id)).toEqual([AUDIT.modelArchive, AUDIT.modelRestore]);
    const history = await productionHistory();
    expect(history.slice(0, 2).map((p) => [p.modelVersionId, p.how])).toEqual([
      [production.id, 'restored by rollback'],
      [m.id, 'promoted'],
    ]);
    expect(history[0].to).toBeNull();
    expect(history[1].to).toBe(history[0].from);
    // the restored model was never promoted through the registry: nothing further to roll back to
    await expect(rollbackProduction(ml, { modelVersionId: production.id, reason: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('an ML engineer can roll back a canary by hand; the model is rejected and its deployment ended', async () => {
    const m = await db().modelVersion.findFirstOrThrow({ where: { version: '4.1.0' } });
    await promoteToCanary(users.ml, { modelVersionId: m.id, trafficPercent: 5, reason: 'now alone' });
    expect(await rollbackCanary(users.ml, { modelVersionId: m.id, reason: 'looks off' })).toMatchObject({ stage: 'REJECTED' });
    const d = await db().deployment.findFirstOrThrow({ where: { modelVersionId: m.id, mode: 'CANARY' } });
    expect(d.endReason).toBe('rolled back: looks off');
    const ev = await db().auditEvent.findFirstOrThrow({ where: { entityId: m.id, action: AUDIT.modelCanaryRollback } });
    expect(ev).toMatchObject({ actorId: users.ml.id, data: { automatic: false, reason: 'looks off' } });
  });

  it('re-checks the gate at every step: after the criteria change, a shadow model must be evaluated again', async () => {
    const m = await evaluatedCandidate('5.0.0', true);
    await promoteToShadow(users.ml, { modelVersionId: m.id, reason: 'gate passed' });
    await saveCriteriaVersion(users.ml, { config: DEFAULT_CRITERIA, reason: 'board re-approved the rules' });
    await expect(promoteToCanary(users.ml, { modelVersionId: m.id, trafficPercent: 5, reason: 'next' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('evaluate again'),
    });
    expect(await stage(m.id)).toBe('SHADOW');
    expect((await runEvaluation(m.id)).verdict).toBe('PASS');
    expect((await promoteToCanary(users.ml, { modelVersionId: m.id, trafficPercent: 5, reason: 'next' })).stage).toBe('CANARY');
  });
  it('re-checks the gate after a locked hold-out label changed, and the evaluation records its locked reads', async () => {
    const m = await evaluatedCandidate('6.0.0', true);
    const ev = await db().evaluation.findFirstOrThrow({ where: { modelVersionId: m.id, finishedAt: { not: null } } });
    const reads = await db().auditEvent.findMany({ where: { action: AUDIT.datasetRead } });
    expect(
      reads.filter((r) => (r.data as { evaluationId?: string }).evaluationId === ev.id).map((r) => (r.data as { purpose: string }).purpose),
    ).toEqual(['EVALUATION']);
    // A radiologist can no longer correct a locked hold-out's approved ground truth (tests/datasets/locked-members.test.ts);
    // the gate still notices ground truth changed any other way, e.g. a database restored from a backup.
    const c = labelled[0];
    await expect(
      saveLabelVersion({
        actor: users.rad1,
        caseId: c.caseId,
        parentVersionId: c.versionId,
        mask: erode(c.truth, 1),
        source: 'EDIT',
        message: 'ground truth corrected',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const old = await db().labelVersion.findUniqueOrThrow({ where: { id: c.versionId } });
    const restored = await db().labelVersion.create({
      data: {
        labelId: old.labelId,
        number: 99,
        parentId: old.id,
        authorId: old.authorId,
        blobKey: old.blobKey,
        sha256: old.sha256,
        source: 'IMPORT',
        voxelCounts: {},
        changedVoxels: 0,
      },
    });
    await db().label.update({ where: { id: old.labelId }, data: { headVersionId: restored.id } });
    await expect(promoteToShadow(users.ml, { modelVersionId: m.id, reason: 'gate passed' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('ground truth of a locked hold-out changed'),
    });
    expect(await stage(m.id)).toBe('CANDIDATE');
    expect((await runEvaluation(m.id)).verdict).toBe('PASS');
    expect((await promoteToShadow(users.ml, { modelVersionId: m.id, reason: "evaluated on today's ground truth" })).stage).toBe('SHADOW');
  });
  it('a shadow model that failed on a case cannot start a canary', async () => {
    const m = await evaluatedCandidate('7.0.0', true);
    await promoteToShadow(users.ml, { modelVersionId: m.id, reason: 'gate passed' });
    await db().servingFailure.create({
      data: { caseId: labelled[1].caseId, modelVersionId: m.id, role: 'SHADOW', returned: false, error: 'onnxruntime: invalid input' },
    });
    await expect(promoteToCanary(users.ml, { modelVersionId: m.id, trafficPercent: 5, reason: 'next' })).rejects.toMatchObject({
      code: 'CONFLICT',
      userMessage: expect.stringContaining('failed on 1 case'),
    });
    expect(await stage(m.id)).toBe('SHADOW');
  });
});
