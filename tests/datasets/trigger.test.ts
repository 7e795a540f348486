import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { resetQueue } from '@/lib/server/jobs';
import { checkRetrainingTrigger, getRetrainProgress } from '@/lib/server/datasets/trigger';
import { addCasesToDataset, lockDataset } from '@/lib/server/datasets/members';
import { parseTrainingParams } from '@/lib/server/workflows/params';
import { SYSTEM } from '@/lib/server/auth/actor';
import { createDefaultDatasets, createSmallCase, setSetting } from './fixtures';

useTestDb();
useTestBlobs();
afterAll(() => resetQueue());

let sets: Awaited<ReturnType<typeof createDefaultDatasets>>;
let production: { id: string };
let oldTrain: string;
let lockedCase: string;

beforeAll(async () => {
  sets = await createDefaultDatasets();
  await setSetting('retrain.n', 5);
  await setSetting('retrain.holdoutFraction', 0.2);
  production = await db().modelVersion.create({
    data: {
      name: 'tumorwatch-seg',
      version: '1.0.0',
      blobKey: 'k',
      sha256: 's',
      card: { training: { config: { name: 'tiny', seed: 1 } } },
      stage: 'PRODUCTION',
    },
  });
  // Earlier training data and a locked hold-out, both of which the trigger must leave as they are.
  oldTrain = await createSmallCase('OLD-TRAIN', { site: 'A' });
  await addCasesToDataset(SYSTEM, { datasetId: sets.train.id, caseIds: [oldTrain] });
  lockedCase = await createSmallCase('LOCKED-1', { site: 'A', drifter: true });
  await addCasesToDataset(SYSTEM, { datasetId: sets.internal.id, caseIds: [lockedCase] });
  await lockDataset(SYSTEM, sets.internal.id);
  // Not pending: approved but neither drifter nor flagged; drifter but not approved.
  await createSmallCase('PLAIN-1', { site: 'A' });
  await createSmallCase('UNAPPROVED-1', { site: 'A', drifter: true, label: 'IN_REVIEW' });
  // Not pending either: the drifter verdict is on production's hidden mask of a case the canary answered (shown: no drift)
  const hidden = await createSmallCase('HIDDEN-DRIFT-1', { site: 'A' });
  const mask = await db().prediction.create({
    data: {
      caseId: hidden,
      modelVersionId: production.id,
      role: 'PRODUCTION',
      returned: false,
      maskBlobKey: 'k',
      maskSha256: 'hidden',
      volumesMl: {},
      latencyMs: 1,
    },
  });
  await db().driftReport.create({ data: { caseId: hidden, predictionId: mask.id, checks: [], score: 3, isDrifter: true, reasons: [] } });
});

describe('retraining trigger', () => {
  it('counts approved drifter or flagged cases not yet in a dataset, and does nothing below N', async () => {
    for (let i = 0; i < 4; i++) await createSmallCase(`NEW-${i}`, { site: i % 2 ? 'B' : 'A', drifter: i !== 3, flagged: i === 3 });
    expect(await getRetrainProgress()).toEqual({ pending: 4, n: 5 });
    const r = await checkRetrainingTrigger();
    expect(r).toMatchObject({ triggered: false, pending: 4, n: 5, reason: 'below-threshold' });
    expect(await db().workflowRun.count()).toBe(0);
    expect(await db().datasetSnapshot.count()).toBe(0);
  });

  it('at N: splits the new cases, snapshots the training data with earlier cases kept, and queues a fine-tune of production', async () => {
    await createSmallCase('NEW-4', { site: 'B', flagged: true });
    await createSmallCase('NEW-5', { site: 'B', drifter: true });
    const r = await checkRetrainingTrigger();
    if (!r.triggered) throw new Error(`not triggered: ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ pending: 6, train: 5, holdout: 1 });

    const members = async (datasetId: string) =>
      (await db().datasetMember.findMany({ where: { datasetId }, include: { case: true } })).map((m) => m.case.externalId).sort();
    const train = await members(sets.train.id);
    const drifter = await members(sets.drifter.id);
    expect(train).toHaveLength(6);
    expect(train).toContain('OLD-TRAIN');
    expect(drifter).toHaveLength(1);
    expect(await members(sets.internal.id)).toEqual(['LOCKED-1']);

    const items = await db().snapshotItem.findMany({ where: { snapshotId: r.snapshotId }, include: { case: true } });
    const bySplit = (s: string) =>
      items
        .filter((i) => i.split === s)
        .map((i) => i.case.externalId)
        .sort();
    expect(bySplit('TRAIN')).toEqual(train);
    expect(bySplit('DRIFTER')).toEqual(drifter);
    expect(items.some((i) => i.caseId === lockedCase)).toBe(false);

    const run = await db().workflowRun.findUniqueOrThrow({ where: { id: r.runId } });
    expect(run).toMatchObject({
      kind: 'TRAINING',
      runner: 'LOCAL',
      status: 'QUEUED',
      snapshotId: r.snapshotId,
      parentModelId: production.id,
    });
    expect(parseTrainingParams(run.params).input).toMatchObject({ config: 'tiny', init: 'parent', trigger: 'AUTO' });
    const job = await db().job.findUniqueOrThrow({ where: { idempotencyKey: `workflow.train:${run.id}` } });
    expect(job.payload).toEqual({ runId: run.id });
    expect(await db().auditEvent.count({ where: { action: AUDIT.retrainTrigger, entityId: run.id } })).toBe(1);
    expect(await getRetrainProgress()).toEqual({ pending: 0, n: 5 });
  });

  it('is idempotent: a second call right after finds nothing pending', async () => {
    expect(await checkRetrainingTrigger()).toMatchObject({ triggered: false, pending: 0 });
    expect(await db().workflowRun.count()).toBe(1);
  });

  it('two concurrent calls start exactly one run', async () => {
    for (let i = 0; i < 5; i++) await createSmallCase(`RACE-${i}`, { site: 'C', drifter: true });
    const results = await Promise.all([checkRetrainingTrigger(), checkRetrainingTrigger(), checkRetrainingTrigger()]);
    expect(results.filter((r) => r.triggered)).toHaveLength(1);
    expect(await db().workflowRun.count()).toBe(2);
    expect(await db().datasetMember.count({ where: { case: { externalId: { startsWith: 'RACE-' } } } })).toBe(5);
  });

  it('never throws: a configuration it cannot honour is reported and nothing is half-done', async () => {
    await setSetting('retrain.config', 'small'); // production was trained with "tiny": fine-tuning cannot change the network
    for (let i = 0; i < 5; i++) await createSmallCase(`CFG-${i}`, { site: 'D', drifter: true });
    const r = await checkRetrainingTrigger();
    expect(r).toMatchObject({ triggered: false, reason: 'error', pending: 5 });
    expect(r.triggered === false && r.error).toMatch(/keeps tumorwatch-seg@1.0.0's network/);
    expect(await db().datasetMember.count({ where: { case: { externalId: { startsWith: 'CFG-' } } } })).toBe(0);
    expect(await db().workflowRun.count()).toBe(2);
  });
});
