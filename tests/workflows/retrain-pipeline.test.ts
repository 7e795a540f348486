/**
 * Acceptance: the whole retraining path with the real trainer (config tiny, small synthetic cases; about two minutes
 * on two CPU cores). Cases are ingested through the ingestion service, their ground truth (the cohort's -seg masks,
 * stored by ingestion as reference masks) becomes APPROVED labels, a first model is trained by hand and promoted,
 * then approved drifters reach N, the trigger snapshots and splits them, the local runner fine-tunes the production
 * model, and the candidate is registered with its lineage and queued for evaluation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { getQueue, resetQueue } from '@/lib/server/jobs';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestCase } from '@/lib/server/cases/ingest';
import { readCaseFolder } from '@/lib/server/cases/folder';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { checkRetrainingTrigger } from '@/lib/server/datasets/trigger';
import { startTrainingRun } from '@/lib/server/workflows/start';
import { trainingRunJob } from '@/lib/server/workflows/jobs';
import { executeTrainingRun } from '@/lib/server/workflows/execute';
import { parseTrainingParams } from '@/lib/server/workflows/params';
import { addSignals, createDefaultDatasets, createUser, setSetting } from '../datasets/fixtures';
import { approveReferenceMask } from '../support/case-rows';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-pipeline-'));
useTestDb({ RUNS_DIR: path.join(tmp, 'runs'), MODELS_DIR: path.join(tmp, 'models') });
useTestBlobs();
afterAll(async () => {
  await resetQueue();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const GRID = { dims: [96, 96, 64] as [number, number, number], spacing: [2, 2, 2.5] as [number, number, number] };
let ml: Awaited<ReturnType<typeof createUser>>;
let sets: Awaited<ReturnType<typeof createDefaultDatasets>>;

/** Ingests a synthetic cohort through the ingestion service; returns the new cases' ids. */
async function ingestCohort(domain: string, n: number, start: number, shifts: string[] = []): Promise<string[]> {
  const out = path.join(tmp, `cohort-${domain}-${start}`);
  const { cases } = await generateCohort({ domain, n, seed: '11', out, grid: GRID, shifts, start });
  const ids: string[] = [];
  for (const c of cases) {
    const folder = await readCaseFolder(path.join(out, c.caseId));
    ids.push((await ingestCase(SYSTEM, folder.metadata, folder.files)).caseId);
  }
  return ids;
}

/** What the labels service does on approval, written directly: the ground-truth mask becomes the APPROVED head. */
async function approveGroundTruth(caseId: string) {
  const author = await createUser(`rad-${caseId}@test`, 'RADIOLOGIST');
  await approveReferenceMask(caseId, author.id, author.id);
}

async function waitForRun(runId: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  let sawProgress = false;
  for (;;) {
    const r = await db().workflowRun.findUniqueOrThrow({ where: { id: runId } });
    if (r.status === 'RUNNING' && r.progress > 0.05 && r.logTail.includes('epoch 1 step')) sawProgress = true;
    if (r.status !== 'QUEUED' && r.status !== 'RUNNING') return { run: r, sawProgress };
    if (Date.now() > until) throw new Error(`run ${runId} still ${r.status} after ${timeoutMs} ms:\n${r.logTail}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  ml = await createUser('ml@test', 'ML_ENGINEER');
  sets = await createDefaultDatasets();
  const queue = getQueue();
  await queue.work(trainingRunJob, executeTrainingRun, { concurrency: 1 });
  await queue.start();
});

describe('retraining, end to end with the real trainer', () => {
  let first: { runId: string; modelId: string; checkpointSha: string };

  it('an ML engineer trains a first model by hand; it is registered as a candidate and queued for evaluation', async () => {
    const ids = await ingestCohort('A', 4, 0);
    for (const id of ids) await approveGroundTruth(id);
    await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: ids });
    const { runId, snapshotId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
    const { run, sawProgress } = await waitForRun(runId, 150_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe('SUCCEEDED');
    expect(sawProgress).toBe(true);
    expect(run.progress).toBe(1);
    const mv = await db().modelVersion.findUniqueOrThrow({ where: { trainingRunId: runId } });
    expect(mv).toMatchObject({ stage: 'CANDIDATE', snapshotId, parentId: null });
    const params = parseTrainingParams(run.params);
    expect(params.artefacts?.checkpoint).not.toBeNull();
    first = { runId, modelId: mv.id, checkpointSha: params.artefacts!.checkpoint!.sha256 };
    expect(await db().job.count({ where: { name: 'evaluation.run', idempotencyKey: `evaluation.run:${mv.id}` } })).toBe(1);
    // The run folder (a copy of the snapshot) is gone; the full log is a blob.
    expect(fs.existsSync(path.join(tmp, 'runs', runId))).toBe(false);
    expect(new TextDecoder().decode(await blobs().get(run.logBlobKey!))).toContain('ONNX parity');
  }, 200_000);

  it('approved drifters reaching N trigger a snapshot with the right splits and a fine-tune of production', async () => {
    await db().modelVersion.update({ where: { id: first.modelId }, data: { stage: 'PRODUCTION', stageChangedAt: new Date() } });
    await setSetting('retrain.n', 5);
    await setSetting('retrain.holdoutFraction', 0.2);
    const newIds = [...(await ingestCohort('A', 3, 4)), ...(await ingestCohort('B', 2, 0, ['scanner']))];
    const results = [];
    for (const [i, id] of newIds.entries()) {
      await addSignals(id, { drifter: i % 2 === 0, flagged: i % 2 === 1 });
      await approveGroundTruth(id);
      results.push(await checkRetrainingTrigger()); // as the labels service does after each approval
    }
    expect(results.slice(0, 4).map((r) => r.triggered)).toEqual([false, false, false, false]);
    const trig = results[4];
    if (!trig.triggered) throw new Error(`not triggered: ${JSON.stringify(trig)}`);
    expect(trig).toMatchObject({ pending: 5, train: 4, holdout: 1 });

    const items = await db().snapshotItem.findMany({ where: { snapshotId: trig.snapshotId }, include: { case: true } });
    const split = (s: string) => items.filter((i) => i.split === s);
    expect(split('TRAIN')).toHaveLength(8); // the 4 earlier training cases are kept
    expect(split('DRIFTER')).toHaveLength(1);
    // Stratified by site: 3 of 5 new cases come from site A, so A supplies the one hold-out slot (largest remainder).
    expect(split('DRIFTER')[0].case.site).toBe('A');
    for (const i of items) {
      const label = await db().label.findUniqueOrThrow({ where: { caseId: i.caseId } });
      expect(label.status).toBe('APPROVED');
      expect(i.labelVersionId).toBe(label.headVersionId);
    }

    const { run } = await waitForRun(trig.runId, 200_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe('SUCCEEDED');
    expect(run.parentModelId).toBe(first.modelId);
    const mv = await db().modelVersion.findUniqueOrThrow({ where: { trainingRunId: trig.runId } });
    expect(mv).toMatchObject({ stage: 'CANDIDATE', parentId: first.modelId, snapshotId: trig.snapshotId });
    expect(mv.codeVersion).toMatch(/^[0-9a-f]{40,64}$/);
    const card = mv.card as {
      version: string;
      training: {
        parent: { checkpointSha256: string };
        datasetSnapshot: { id: string; sha256: string };
        cases: { train: number; val: number };
      };
    };
    const snap = await db().datasetSnapshot.findUniqueOrThrow({ where: { id: trig.snapshotId } });
    expect(card.training.datasetSnapshot).toEqual({ id: snap.id, sha256: snap.sha256 });
    expect(card.training.parent.checkpointSha256).toBe(first.checkpointSha);
    expect(card.training.cases.train + card.training.cases.val).toBe(8);
    expect(card.version).toMatch(/^0\.2\.0-run\./);
    const evaluation = await db().job.findUniqueOrThrow({ where: { idempotencyKey: `evaluation.run:${mv.id}` } });
    expect(evaluation).toMatchObject({ name: 'evaluation.run', payload: { modelVersionId: mv.id }, status: 'QUEUED' });
  }, 300_000);
});
