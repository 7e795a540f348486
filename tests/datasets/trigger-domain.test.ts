/**
 * The retraining trigger follows the state changes that make a case pending, whoever makes them: approveLabel and
 * createFlag (the domain functions) check it after they commit, with no server action involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { resetQueue } from '@/lib/server/jobs';
import { getRetrainProgress } from '@/lib/server/datasets/trigger';
import { approveLabel, saveLabelVersion, submitForReview } from '@/lib/server/labels';
import { createFlag } from '@/lib/server/flags';
import { createCase, createUsers, predictionMask } from '../labels/fixtures';
import { createDefaultDatasets, createSmallCase, setSetting } from './fixtures';

useTestDb();
useTestBlobs();
afterAll(() => resetQueue());

let users: Awaited<ReturnType<typeof createUsers>>;
let sets: Awaited<ReturnType<typeof createDefaultDatasets>>;

beforeAll(async () => {
  users = await createUsers();
  sets = await createDefaultDatasets();
  await setSetting('retrain.n', 2);
  await setSetting('retrain.holdoutFraction', 0);
  // The production model the labels fixture serves, with the preset a fine-tune keeps.
  await createCase('SETUP');
  await db().modelVersion.update({
    where: { name_version: { name: 'test-model', version: '1.0.0' } },
    data: { card: { training: { config: { name: 'tiny', seed: 1 } } } },
  });
});

/** A served case whose prediction drift monitoring marked, corrected by rad1 and sent for review. */
async function drifterInReview(externalId: string) {
  const caseId = await createCase(externalId);
  const prediction = await db().prediction.findFirstOrThrow({ where: { caseId } });
  await db().driftReport.create({ data: { caseId, predictionId: prediction.id, checks: [], score: 3, isDrifter: true, reasons: [] } });
  const v = await saveLabelVersion({
    actor: users.rad1,
    caseId,
    parentVersionId: null,
    mask: predictionMask(),
    source: 'EDIT',
    message: 'checked',
  });
  await submitForReview({ actor: users.rad1, caseId, versionId: v.id });
  return { caseId, versionId: v.id };
}

const runs = () => db().workflowRun.count({ where: { kind: 'TRAINING' } });
const trainMembers = async () =>
  (await db().datasetMember.findMany({ where: { datasetId: sets.train.id }, include: { case: true } }))
    .map((m) => m.case.externalId)
    .sort();

describe('retraining trigger after domain state changes', () => {
  it('approveLabel, called directly, starts retraining on the approval that reaches N, and says so', async () => {
    const first = await drifterInReview('APPROVE-1');
    const below = await approveLabel({ actor: users.rad2, ...first });
    expect(below).toMatchObject({ status: 'APPROVED', retraining: { triggered: false, pending: 1, n: 2, reason: 'below-threshold' } });
    expect(await runs()).toBe(0);

    const second = await drifterInReview('APPROVE-2');
    const reached = await approveLabel({ actor: users.rad2, ...second });
    expect(reached.status).toBe('APPROVED');
    if (!reached.retraining.triggered) throw new Error(`not triggered: ${JSON.stringify(reached.retraining)}`);
    expect(reached.retraining).toMatchObject({ pending: 2, n: 2, train: 2, holdout: 0 });
    expect(await runs()).toBe(1);
    expect(await trainMembers()).toEqual(['APPROVE-1', 'APPROVE-2']);
    expect(await db().auditEvent.count({ where: { action: AUDIT.retrainTrigger, entityId: reached.retraining.runId } })).toBe(1);
    expect(await getRetrainProgress()).toEqual({ pending: 0, n: 2 });
  });

  it('createFlag checks the trigger when the flag makes an approved case pending, and only then', async () => {
    // Approved and pending without any check having run (written directly): N is already reached.
    await createSmallCase('PENDING-1', { drifter: true });
    await createSmallCase('PENDING-2', { drifter: true });
    expect(await getRetrainProgress()).toEqual({ pending: 2, n: 2 });
    // A flag on a case with no approved label cannot change what the trigger counts, so it does not check.
    const unlabelled = await createCase('FLAG-UNLABELLED');
    await createFlag(users.physician, { caseId: unlabelled, reason: 'BOUNDARY' });
    expect(await runs()).toBe(1);
    // A flag on an approved case makes it pending: the check runs and starts retraining.
    const approved = await createSmallCase('FLAG-APPROVED', { label: 'APPROVED' });
    await createFlag(users.physician, { caseId: approved, reason: 'MISSED_LESION' });
    expect(await runs()).toBe(2);
    expect(await trainMembers()).toEqual(['APPROVE-1', 'APPROVE-2', 'FLAG-APPROVED', 'PENDING-1', 'PENDING-2']);
    expect(await getRetrainProgress()).toEqual({ pending: 0, n: 2 });
  });
});
