import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../inference/model-fixture';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { ensureDefaultCriteria } from '@/lib/server/evaluation/criteria';
import { lockedGroundTruth } from '@/lib/server/evaluation/cases';
import { readModelDir } from '@/lib/server/registry/register';
import { ingestRunArtefacts } from '@/lib/server/workflows/ingest';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

/** A log as the run reporter writes it (lib/server/workflows/trainer-events.ts): two epochs, two lines each. */
export const TRAINING_LOG = [
  'starting trainer',
  'epoch 1 step 1/4 loss 0.9000 eta 3 s',
  'epoch 1 step 2/4 loss 0.8000 val Dice 0.412',
  'epoch 2 step 3/4 loss 0.6000 eta 1 s',
  'epoch 2 step 4/4 loss 0.5000 val Dice 0.655',
  'done in 4.2 s',
].join('\n');

/**
 * A training run that really finishes through ingestRunArtefacts (the path the runners take): the committed model's
 * ONNX and card under a new version, a stored log, a snapshot and a parent model. Returns the run and its version.
 */
export async function finishedTrainingRun(version: string, parentModelId: string | null = null) {
  const dir = await readModelDir(PRODUCTION_MODEL_DIR);
  const card = dir.card as Record<string, unknown>;
  const snapshot = await db().datasetSnapshot.create({
    data: { name: `snap-${version}`, sha256: version.padEnd(64, '0').slice(0, 64), manifestBlobKey: 'none', caseCount: 0 },
  });
  const run = await db().workflowRun.create({
    data: {
      kind: 'TRAINING',
      runner: 'LOCAL',
      status: 'RUNNING',
      snapshotId: snapshot.id,
      parentModelId,
      startedAt: new Date(),
      params: {
        input: { config: 'tiny', init: 'scratch', trigger: 'MANUAL', epochs: 2 },
        resolved: { name: 'tumorwatch-seg', version, parentCheckpoint: null },
      },
    },
  });
  const log = await blobs().put(new TextEncoder().encode(TRAINING_LOG), { contentType: 'text/plain' });
  const training = { ...(card.training as object), datasetSnapshot: { id: snapshot.id, sha256: snapshot.sha256 } };
  const out = await ingestRunArtefacts(
    run.id,
    { onnx: dir.onnx, card: { ...card, version, training }, metrics: null, checkpoint: null },
    { logBlobKey: log.key, logTail: 'done in 4.2 s' },
  );
  return { runId: run.id, modelVersionId: out.modelVersionId, name: out.name, snapshotId: snapshot.id, onnxBytes: dir.onnx.length };
}

/**
 * A finished evaluation of a version with one hold-out set's figures (the shape runEvaluation stores), against
 * `baselineModelId` when given, recording today's locked ground truth: what the promotion gate reads.
 */
export async function finishedEvaluation(modelVersionId: string, verdict: 'PASS' | 'FAIL', baselineModelId: string | null = null) {
  const criteria = await ensureDefaultCriteria();
  const stats = (dice: number) => ({
    dice: { estimate: dice, lower: dice - 0.05, upper: dice + 0.05 },
    lw_dice: { estimate: dice - 0.1, lower: dice - 0.15, upper: dice - 0.05 },
    lesion_f1: 0.9,
    tp: 9,
    fp: 1,
    fn: 1,
    hd95Mean: 3.5,
  });
  const region = (dice: number) => ({ candidate: stats(dice), baseline: null, difference: null });
  const aggregate = {
    sets: [
      {
        key: 'ds1',
        name: 'internal holdout',
        kind: 'HOLDOUT_INTERNAL',
        locked: true,
        n: 12,
        evaluated: true,
        regions: { WT: region(0.91), TC: region(0.84), ET: region(0.77) },
        improvement: null,
      },
    ],
    confidence: 0.95,
    resamples: 1000,
    seed: 1,
  };
  return db().evaluation.create({
    data: {
      modelVersionId,
      baselineModelId,
      criteriaId: criteria.id,
      aggregate,
      criteriaResults: {
        verdict,
        results: [],
        leakage: { checked: true, holdoutCases: 0, leaked: [] },
        lockedGroundTruthSha256: await lockedGroundTruth(),
      },
      verdict,
      finishedAt: new Date(),
    },
  });
}

/** `npm run model:import -- ...` as an operator runs it: the script spawned against this test's database and MLflow. */
export async function modelImportCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
  return promisify(execFile)(tsx, ['--conditions=react-server', 'scripts/model-import.ts', ...args], {
    cwd: REPO_ROOT,
    env: process.env,
    timeout: 120_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
