/**
 * A foreign production model retrained through the COMMAND runner: a two-fold nnU-Net v2 model imported by the
 * nnU-Net importer is production; training/runners/nnunet_finetune.py fine-tunes each fold on the run's nnU-Net export
 * and re-imports it; the candidate registers as a two-member ensemble with its lineage, like any runner's model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { resetEnvCache } from '@/lib/server/env';
import { resetQueue } from '@/lib/server/jobs';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { startTrainingRun } from '@/lib/server/workflows/start';
import { executeTrainingRun } from '@/lib/server/workflows/execute';
import { parseModelCard } from '@/lib/schemas/model-card';
import { createDefaultDatasets, createSmallCase, createUser } from '../datasets/fixtures';
import { calibrateIfNeeded } from '../../scripts/scenario/calibrate';
import type { Cast } from '../../scripts/scenario/setup';

const PYTHON = path.resolve('.venv/bin/python');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-command-nnunet-'));
useTestDb({ RUNS_DIR: path.join(tmp, 'runs'), MODELS_DIR: path.join(tmp, 'models'), TRAINER_THREADS: '1' });
useTestBlobs();
afterAll(async () => {
  await resetQueue();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let ml: Awaited<ReturnType<typeof createUser>>;
let production: { id: string; sha256: string };
beforeAll(async () => {
  ml = await createUser('ml@test', 'ML_ENGINEER');
  const sets = await createDefaultDatasets();
  const ids: string[] = [];
  for (const [i, site] of ['A', 'B', 'A'].entries()) ids.push(await createSmallCase(`NN-${i + 1}`, { site, seed: 9 + i }));
  await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: ids });
  const made = JSON.parse(
    execFileSync(PYTHON, [path.resolve('tests/workflows/fixtures/nnunet-parent.py'), tmp], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
  production = await registerModelVersion(SYSTEM, { ...(await readModelDir(made.parent)), stage: 'PRODUCTION' });
  const argv = [PYTHON, path.resolve('training/runners/nnunet_finetune.py'), '--snapshot', '{snapshot}', '--format', '{format}'];
  argv.push('--out', '{out}', '--parent', '{parent}', '--name', '{name}', '--version', '{version}', '--snapshot-id', '{snapshot_id}');
  argv.push('--epochs', '{epochs}', '--threads', '{threads}', '--iterations-per-epoch', '3', '--nnunet-model', made.source);
  Object.assign(process.env, { TRAINING_COMMAND: JSON.stringify(argv), TRAINING_COMMAND_FORMAT: 'nnunet' });
  resetEnvCache();
}, 240_000);

describe('COMMAND runner with an imported nnU-Net production model', () => {
  it('the scenario calibrates the uncalibrated import once, on the training set (scripts/scenario/calibrate.ts)', async () => {
    const cast = { mlEngineer: ml } as Cast;
    const calibrationId = await calibrateIfNeeded(cast, production.id, () => undefined);
    expect(await db().modelCalibration.findUniqueOrThrow({ where: { id: calibrationId! } })).toMatchObject({
      modelVersionId: production.id,
      datasetName: 'train',
      cases: 3,
    });
    expect(await calibrateIfNeeded(cast, production.id, () => undefined)).toBeNull();
  }, 120_000);

  it('fine-tunes both folds and registers the re-imported ensemble as a CANDIDATE of production', async () => {
    const { runId, snapshotId } = await startTrainingRun(ml, { runner: 'COMMAND', init: 'production', epochs: 1 });
    const result = await executeTrainingRun({ payload: { runId }, signal: new AbortController().signal });
    const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId }, include: { resultModel: { include: { files: true } } } });
    expect(result, `${run.error}\n${run.logTail}`).toMatchObject({ status: 'SUCCEEDED' });
    expect(run.logTail).toMatch(/fold 0: the parent's weights \(nnUNetTrainer__nnUNetPlans__3d_fullres\/fold_0\/checkpoint_final\.pth\)/);
    expect(run.logTail).toContain('3 training cases preprocessed');
    expect(run.logTail).toMatch(/epoch 1 step 6\/6/);
    const model = run.resultModel!;
    expect(model).toMatchObject({ name: 'nnunet-tiny', stage: 'CANDIDATE', parentId: production.id, snapshotId });
    expect(model.version).toMatch(/^1\.1\.0-run\./);
    expect(model.files.map((f) => f.file).sort()).toEqual(['fold_0.onnx', 'fold_1.onnx']);
    expect(model.sha256).not.toBe(production.sha256);
    const card = parseModelCard(model.card);
    expect(card.training.parent).toMatchObject({ name: 'nnunet-tiny', version: '1.0.0' });
    expect(card.output.kind).toBe('sigmoid');
  }, 300_000);
});
