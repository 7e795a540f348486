import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { FAST } from '../jobs/support';
import { useTempBlobRoot } from '../labels/fixtures';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { createQueue } from '@/lib/server/jobs';
import { evaluateCase, summarizeCase } from '@/lib/metrics';
import { readLabelVersionMask } from '@/lib/server/labels';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { evaluationRunJob } from '@/lib/server/evaluation/jobs';
import { getEvaluation, readPerCase } from '@/lib/server/evaluation/queries';
import { evaluationHandlers } from '@/worker/handlers-evaluation';
import {
  addPrediction,
  createModel,
  createWorldUsers,
  dataset,
  DIMS,
  erode,
  labelledCase,
  snapshot,
  truthMask,
  type WorldUsers,
} from '../registry/world';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

type Labelled = { caseId: string; versionId: string; truth: Uint8Array };
let users: WorldUsers;
let production: { id: string };
const cases: Record<'internal' | 'drifter' | 'train', Labelled[]> = { internal: [], drifter: [], train: [] };
let snapshotId: string;
let draftHoldoutCase: string;

async function labelled(ext: string, shift: number): Promise<Labelled> {
  const truth = truthMask(shift);
  return { ...(await labelledCase(users, ext, truth)), truth };
}

/** Stored predictions of a model on every labelled case: `maskOf(truth, group)`. */
async function predictAll(
  modelId: string,
  role: 'PRODUCTION' | 'SHADOW',
  maskOf: (truth: Uint8Array, group: keyof typeof cases) => Uint8Array,
) {
  for (const group of Object.keys(cases) as (keyof typeof cases)[])
    for (const c of cases[group]) await addPrediction(c.caseId, modelId, role, maskOf(c.truth, group));
}

beforeAll(async () => {
  users = await createWorldUsers();
  for (let i = 0; i < 4; i++) cases.internal.push(await labelled(`EV-INT-${i}`, i % 3));
  for (let i = 0; i < 2; i++) cases.drifter.push(await labelled(`EV-DRIFT-${i}`, i));
  for (let i = 0; i < 3; i++) cases.train.push(await labelled(`EV-TRAIN-${i}`, i));
  await dataset(
    'holdout-internal',
    'HOLDOUT_INTERNAL',
    cases.internal.map((c) => c.caseId),
  );
  await dataset('holdout-external', 'HOLDOUT_EXTERNAL', []);
  await dataset(
    'drifter-holdout',
    'DRIFTER',
    cases.drifter.map((c) => c.caseId),
  );
  // an unlocked hold-out is no evidence: it must be ignored, and so must a case whose label is not approved
  draftHoldoutCase = (await labelled('EV-UNLOCKED', 0)).caseId;
  await dataset('holdout-draft', 'HOLDOUT_INTERNAL', [draftHoldoutCase], false);
  production = await createModel('seg', '1.0.0', 'PRODUCTION');
  // production misses tumour slices; worse on drifters (its known weakness)
  await predictAll(production.id, 'PRODUCTION', (t, g) => erode(t, g === 'drifter' ? 3 : 2));
  // training snapshot: the 3 train cases (one drifter, one flagged) plus the internal hold-out under its own split
  const prodPreds = await db().prediction.findMany({
    where: { modelVersionId: production.id, caseId: { in: cases.train.map((c) => c.caseId) } },
    orderBy: { caseId: 'asc' },
  });
  const byCase = new Map(prodPreds.map((p) => [p.caseId, p.id]));
  await db().driftReport.create({
    data: {
      caseId: cases.train[0].caseId,
      predictionId: byCase.get(cases.train[0].caseId)!,
      checks: [],
      score: 2.5,
      isDrifter: true,
      reasons: ['test'],
    },
  });
  await db().flag.create({
    data: {
      caseId: cases.train[1].caseId,
      predictionId: byCase.get(cases.train[1].caseId)!,
      userId: users.physician.id,
      reason: 'MISSED_LESION',
    },
  });
  const s = await snapshot('retrain-1', [
    ...cases.train.map((c) => ({ ...c, split: 'TRAIN' })),
    ...cases.internal.map((c) => ({ ...c, split: 'HOLDOUT_INTERNAL' })),
  ]);
  snapshotId = s.id;
});

describe('evaluation.run end to end (stored predictions, real metrics)', () => {
  it('evaluates a better candidate on every set, records per-case metrics, CIs, a verdict per criterion and progress', async () => {
    const candidate = await createModel('seg', '1.1.0', 'CANDIDATE', { snapshotId, parentId: production.id });
    await predictAll(candidate.id, 'SHADOW', (t, g) => (g === 'drifter' ? erode(t, 1) : t));
    const progress: number[] = [];
    const { evaluationId, verdict } = await runEvaluation(candidate.id, { reportProgress: async (p) => void progress.push(p) });
    expect(verdict).toBe('PASS');
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.length).toBe(4 + 2 + 2 + 1); // one per case (internal, drifter, problematic) and the final 1

    const ev = await getEvaluation(evaluationId);
    expect(ev).toMatchObject({ verdict: 'PASS', baseline: { id: production.id }, runStatus: 'SUCCEEDED', progress: 1 });
    const sets = Object.fromEntries(ev.aggregate!.sets.map((s) => [s.name, s]));
    expect(Object.keys(sets).sort()).toEqual(['drifter-holdout', 'holdout-external', 'holdout-internal', 'previously problematic cases']);
    expect(sets['holdout-internal'].n).toBe(4);
    expect(sets['holdout-external']).toMatchObject({ n: 0, evaluated: false });
    expect(sets['drifter-holdout'].n).toBe(2);
    expect(sets['previously problematic cases'].n).toBe(2); // the drifter and the flagged training case
    expect(ev.criteria!.leakage).toEqual({ checked: true, holdoutCases: 6, leaked: [] });
    expect(ev.criteria!.results.find((r) => r.id === `minimum:${sets['holdout-external'].key}:WT:dice`)?.status).toBe('NOT_EVALUATED');

    // the per-case figures are exactly the metrics library's, on the stored masks
    const perCase = await readPerCase(evaluationId);
    const rec = perCase.records.find((r) => r.caseId === cases.internal[1].caseId)!;
    const truth = await readLabelVersionMask(rec.caseId, rec.reference.labelVersionId);
    const expected = summarizeCase(evaluateCase({ pred: erode(truth, 2), ref: truth, dims: DIMS, spacing: [1, 1, 1.5] }));
    expect(rec.baseline!.metrics).toEqual(expected);
    expect(rec.candidate.metrics.WT.dice).toBe(1);
    expect(rec.baseline!.source).toBe('stored');
    const wt = sets['holdout-internal'].regions!.WT;
    const diffs = perCase.records
      .filter((r) => r.setKey === sets['holdout-internal'].key)
      .map((r) => r.candidate.metrics.WT.dice - r.baseline!.metrics.WT.dice);
    expect(wt.difference!.dice.estimate).toBeCloseTo(diffs.reduce((a, b) => a + b) / diffs.length, 12);
    expect(perCase.records.some((r) => r.caseId === draftHoldoutCase)).toBe(false);

    const audit = await db().auditEvent.findMany({ where: { entityId: evaluationId }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([AUDIT.evaluationStart, AUDIT.evaluationFinish]);
    expect(audit[1].data).toMatchObject({ verdict: 'PASS', failed: [] });
  });

  it('fails a candidate that predicts nothing, naming the failed criteria and the problematic cases that got worse', async () => {
    const empty = await createModel('seg', '1.2.0', 'CANDIDATE', { snapshotId, parentId: production.id });
    await predictAll(empty.id, 'SHADOW', () => new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]));
    const { evaluationId, verdict } = await runEvaluation(empty.id);
    expect(verdict).toBe('FAIL');
    const ev = await getEvaluation(evaluationId);
    const failed = ev.criteria!.results.filter((r) => r.status === 'FAIL');
    expect(failed.map((r) => r.kind)).toEqual(expect.arrayContaining(['minimum', 'regression', 'drifter', 'problematic']));
    expect(failed.find((r) => r.kind === 'problematic')!.cases!.sort()).toEqual(['EV-TRAIN-0', 'EV-TRAIN-1']);
    const finish = await db().auditEvent.findFirstOrThrow({ where: { entityId: evaluationId, action: AUDIT.evaluationFinish } });
    expect((finish.data as { failed: string[] }).failed.length).toBe(failed.length);
  });

  it('fails the gate when a locked hold-out case was in the training split of the snapshot', async () => {
    const leaky = await snapshot(
      'leaky',
      [...cases.train, cases.internal[0]].map((c) => ({ ...c, split: 'TRAIN' })),
    );
    const m = await createModel('seg', '1.3.0', 'CANDIDATE', { snapshotId: leaky.id });
    await predictAll(m.id, 'SHADOW', (t) => t);
    const { evaluationId, verdict } = await runEvaluation(m.id);
    expect(verdict).toBe('FAIL');
    const leak = (await getEvaluation(evaluationId)).criteria!.results.find((r) => r.id === 'holdouts:leakage')!;
    expect(leak).toMatchObject({ status: 'FAIL', cases: ['EV-INT-0'] });
  });

  it('runs as the evaluation.run job through the queue; a model that cannot be run fails its run and is audited', async () => {
    const queue = createQueue({ ...FAST });
    for (const h of Object.values(evaluationHandlers)) await queue.work(h.definition, h.handler, { concurrency: 1 });
    await queue.start();
    try {
      const ok = await createModel('seg', '1.4.0', 'CANDIDATE', { snapshotId });
      await predictAll(ok.id, 'SHADOW', (t) => t);
      const { jobId } = await queue.enqueue(evaluationRunJob, { modelVersionId: ok.id }, { idempotencyKey: `t-${ok.id}` });
      await vi.waitFor(async () => expect((await queue.get(jobId))?.status).toBe('SUCCEEDED'), { timeout: 30_000, interval: 100 });
      expect((await queue.get(jobId))?.result).toMatchObject({ verdict: 'PASS' });
      // no stored prediction and no ONNX blob: inference cannot run, the run fails with the reason
      const broken = await createModel('seg', '1.5.0', 'CANDIDATE', { snapshotId });
      const bad = await queue.enqueue(
        evaluationRunJob,
        { modelVersionId: broken.id },
        { idempotencyKey: `t-${broken.id}`, maxAttempts: 1 },
      );
      await vi.waitFor(async () => expect((await queue.get(bad.jobId))?.status).toBe('FAILED'), { timeout: 30_000, interval: 100 });
      const ev = await db().evaluation.findFirstOrThrow({ where: { modelVersionId: broken.id }, include: { run: true } });
      expect(ev.verdict).toBe('PENDING');
      expect(ev.run).toMatchObject({ status: 'FAILED' });
      expect(ev.run!.error).toBeTruthy();
      expect(await db().auditEvent.count({ where: { entityId: ev.id, action: AUDIT.evaluationFail } })).toBe(1);
    } finally {
      await queue.stop();
    }
  });
});
