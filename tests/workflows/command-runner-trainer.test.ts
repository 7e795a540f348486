/**
 * The COMMAND runner with a real command: the project's trainer reached only through the contract
 * (training/runners/tumorwatch_command.py reads the exported snapshot, trains into {out}), once from an nnU-Net
 * export and once from a MONAI datalist fine-tuning the first run's model. Each run's model becomes a CANDIDATE
 * through the same validation and registration as every runner's, queued for evaluation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { resetQueue } from '@/lib/server/jobs';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { startTrainingRun } from '@/lib/server/workflows/start';
import { executeTrainingRun, runDirFor } from '@/lib/server/workflows/execute';
import { parseModelCard } from '@/lib/schemas/model-card';
import { createDefaultDatasets, createSmallCase, createUser } from '../datasets/fixtures';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-command-trainer-'));
const COMMAND = [
  path.resolve('.venv/bin/python'),
  path.resolve('training/runners/tumorwatch_command.py'),
  ...['--snapshot', '{snapshot}', '--format', '{format}', '--out', '{out}', '--parent', '{parent}'],
  ...['--name', '{name}', '--version', '{version}', '--snapshot-id', '{snapshot_id}', '--config', '{config}'],
  ...['--epochs', '{epochs}', '--steps-per-epoch', '{steps_per_epoch}', '--seed', '{seed}', '--threads', '{threads}'],
];
useTestDb({
  RUNS_DIR: path.join(tmp, 'runs'),
  MODELS_DIR: path.join(tmp, 'models'),
  TRAINING_COMMAND: JSON.stringify(COMMAND),
  TRAINING_COMMAND_CWD: tmp,
  TRAINER_THREADS: '1',
});
useTestBlobs();
afterAll(async () => {
  await resetQueue();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let ml: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  ml = await createUser('ml@test', 'ML_ENGINEER');
  const sets = await createDefaultDatasets();
  const ids: string[] = [];
  for (const [i, site] of ['A', 'B', 'A'].entries()) ids.push(await createSmallCase(`CT-${i + 1}`, { site, seed: 5 + i }));
  await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: ids });
});

async function trainThroughCommand(format: 'nnunet' | 'monai-datalist', init: 'scratch' | 'production') {
  process.env.TRAINING_COMMAND_FORMAT = format;
  resetEnvCache();
  const { runId, snapshotId } = await startTrainingRun(ml, {
    runner: 'COMMAND',
    init,
    config: 'tiny',
    epochs: 1,
    stepsPerEpoch: 2,
    seed: 3,
  });
  const result = await executeTrainingRun({ payload: { runId }, signal: new AbortController().signal });
  const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId }, include: { resultModel: true } });
  expect(result, `${run.error}\n${run.logTail}`).toMatchObject({ status: 'SUCCEEDED' });
  return { run, snapshotId, model: run.resultModel! };
}

describe('COMMAND runner with the project trainer behind the contract', () => {
  it('trains from an nnU-Net export into a CANDIDATE, with progress and log from the trainer events', async () => {
    const { run, snapshotId, model } = await trainThroughCommand('nnunet', 'scratch');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.progress).toBe(1);
    expect(run.logTail).toContain('exported 3 training cases as nnunet');
    expect(run.logTail).toMatch(/epoch 1 step 2\/2 loss \d/);
    expect(run.logTail).toMatch(/--epochs 1 --steps-per-epoch 2 --seed 3 --threads 1\s/);
    expect(model).toMatchObject({ stage: 'CANDIDATE', snapshotId, trainingRunId: run.id, parentId: null });
    const card = parseModelCard(model.card);
    expect(card.version).toBe(model.version);
    expect(card.training.datasetSnapshot.id).toBe(snapshotId);
    expect(card.training.cases.train + card.training.cases.val).toBe(3); // the trainer holds one out for validation
    expect(await db().job.count({ where: { name: 'evaluation.run' } })).toBe(1);
    expect(fs.existsSync(runDirFor(run.id))).toBe(false); // a succeeded run's folder (snapshot export included) goes
  }, 300_000);

  it('fine-tunes production from a MONAI datalist: {parent} holds its card, ONNX file and checkpoint', async () => {
    const first = await db().modelVersion.findFirstOrThrow({ where: { stage: 'CANDIDATE' } });
    await db().modelVersion.update({ where: { id: first.id }, data: { stage: 'PRODUCTION' } });
    const { run, model } = await trainThroughCommand('monai-datalist', 'production');
    expect(run.logTail).toMatch(/parent tumorwatch-seg@0\.1\.0-run\.\S+ written to \S+ \(with its checkpoint\)/);
    expect(run.logTail).toMatch(/--parent \S+\/parent /);
    expect(model.parentId).toBe(first.id);
    expect(model.version).toMatch(/^0\.2\.0-run\./);
    expect(parseModelCard(model.card).training.parent).toMatchObject({ name: 'tumorwatch-seg', version: first.version });
  }, 300_000);
});
