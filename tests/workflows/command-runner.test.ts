/**
 * The COMMAND runner's contract with commands that misbehave (tests/workflows/fixtures/command-fixture.py): what the
 * command receives, and each refusal failing the run with its reason and registering nothing. The real trainer
 * through the same contract is command-runner-trainer.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { SYSTEM } from '@/lib/server/auth/actor';
import { resetEnvCache } from '@/lib/server/env';
import { resetQueue } from '@/lib/server/jobs';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { startTrainingRun } from '@/lib/server/workflows/start';
import { cancelRun } from '@/lib/server/workflows/cancel';
import { executeTrainingRun, runDirFor } from '@/lib/server/workflows/execute';
import { getStartRunOptions } from '@/lib/server/workflows/options';
import { recordCommand } from '@/lib/server/workflows/runners/command-process';
import { createDefaultDatasets, createSmallCase, createUser } from '../datasets/fixtures';

const FIXTURE = path.resolve(__dirname, 'fixtures/command-fixture.py');
const PYTHON = path.resolve('.venv/bin/python');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-command-runner-'));
useTestDb({ RUNS_DIR: path.join(tmp, 'runs'), MODELS_DIR: path.join(tmp, 'models') });
useTestBlobs();
afterAll(async () => {
  await resetQueue();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The fixture in MODE, passed what every command gets (the optional {parent} drops out from scratch). */
function useCommand(mode: string, extra: Record<string, string> = {}) {
  const argv = [PYTHON, FIXTURE, mode, '--snapshot', '{snapshot}', '--format', '{format}', '--out', '{out}'];
  argv.push('--parent', '{parent}', '--version', '{version}', '--snapshot-id', '{snapshot_id}');
  Object.assign(process.env, { TRAINING_COMMAND: JSON.stringify(argv), ...extra });
  resetEnvCache();
}
beforeEach(() => {
  for (const k of ['TRAINING_COMMAND', 'TRAINING_COMMAND_FORMAT', 'TRAINING_COMMAND_TIMEOUT_MIN']) delete process.env[k];
  resetEnvCache();
});

let ml: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  ml = await createUser('ml@test', 'ML_ENGINEER');
  const sets = await createDefaultDatasets();
  const train = [await createSmallCase('CR-1', { site: 'A' }), await createSmallCase('CR-2', { site: 'B' })];
  await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: train });
  await addCasesToDataset(ml, { datasetId: sets.internal.id, caseIds: [await createSmallCase('CR-HOLD')] });
});

const run = (id: string) => db().workflowRun.findUniqueOrThrow({ where: { id } });
const job = (runId: string) => executeTrainingRun({ payload: { runId }, signal: new AbortController().signal });
const start = (init: 'scratch' | 'production' = 'scratch') => startTrainingRun(ml, { runner: 'COMMAND', init });
const log = async (runId: string) => new TextDecoder().decode(await blobs().get((await run(runId)).logBlobKey!));

async function expectFailed(runId: string, error: string | RegExp) {
  expect(await job(runId)).toEqual({ status: 'FAILED' });
  const r = await run(runId);
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatch(error);
  expect(await db().modelVersion.count({ where: { trainingRunId: runId } })).toBe(0);
  return r;
}

describe('COMMAND runner', () => {
  it('is offered and accepted only when TRAINING_COMMAND is set', async () => {
    expect((await getStartRunOptions()).runners.find((r) => r.value === 'COMMAND')?.available).toBe(false);
    await expect(start()).rejects.toThrow('The command runner is not configured (TRAINING_COMMAND).');
    useCommand('exit1');
    expect((await getStartRunOptions()).runners.find((r) => r.value === 'COMMAND')).toEqual({
      value: 'COMMAND',
      label: 'Training command (python, monai-datalist)',
      available: true,
    });
  });

  it('hands the command the training cases in its format (no hold-out) and no parent from scratch', async () => {
    useCommand('inputs', { TRAINING_COMMAND_FORMAT: 'nnunet' });
    const { runId, snapshotId } = await start();
    await expectFailed(runId, /^The training command exited with code 1/);
    const text = await log(runId);
    expect(text).toContain('exported 2 training cases as nnunet');
    expect(text).toMatch(/Dataset501_TumorWatch: dataset\.json imagesTr\/CR-1_0000\.nii\.gz .*labelsTr\/CR-2\.nii\.gz/);
    expect(text).not.toContain('CR-HOLD');
    expect(text).toContain('format nnunet, parent absent');
    expect(text).toContain(`"reference": "sha256:${(await db().datasetSnapshot.findUniqueOrThrow({ where: { id: snapshotId } })).sha256}"`);
  });

  it('hands an imported parent without a checkpoint over as its card and ONNX file (LOCAL would refuse it)', async () => {
    const model = await readModelDir(path.resolve('models/tumorwatch-seg-1.0.0'));
    await registerModelVersion(SYSTEM, { ...model, stage: 'PRODUCTION' });
    useCommand('inputs');
    const { runId } = await start('production');
    await expectFailed(runId, /exited with code 1/);
    const text = await log(runId);
    expect(text).toMatch(/parent tumorwatch-seg@1\.0\.0 written to .*parent$/m);
    expect(text).toContain('parent: model-card.json model.onnx');
    expect(text).toContain('format monai-datalist, parent given');
    expect(text).toMatch(/datalist\.json: .*"training": \[\{"caseId": "CR-1"/);
    await expect(startTrainingRun(ml, { runner: 'LOCAL', init: 'production' }).then((r) => job(r.runId))).resolves.toEqual({
      status: 'FAILED',
    });
  });

  it('fails the run with the command’s own error and exit code', async () => {
    useCommand('exit1');
    const { runId } = await start();
    const r = await expectFailed(runId, 'The training command exited with code 1: RuntimeError: the GPU is on fire (simulated)');
    expect(await log(runId)).toContain('loading the snapshot');
    expect(r.logTail).toMatch(/^\$ .*command-fixture\.py exit1 --snapshot \S+\/snapshot --format monai-datalist --out \S+\/out --version/m);
    expect(r.logTail).not.toContain('--parent'); // from scratch: the optional placeholder and its flag drop out
  });

  it('refuses an exit 0 without a model card', async () => {
    useCommand('no-card');
    await expectFailed(
      (await start()).runId,
      /^The training command's output was refused: \S+\/out holds no model card \(model-card\.json or card\.json\)\.$/,
    );
  });

  it('refuses a card that contradicts the graph, naming the tensor', async () => {
    useCommand('bad-card');
    await expectFailed((await start()).runId, /^The trained model was refused: .*t1_only/);
  });

  it('a command past TRAINING_COMMAND_TIMEOUT_MIN is stopped with its process group', async () => {
    useCommand('hang', { TRAINING_COMMAND_TIMEOUT_MIN: '0.1' });
    const { runId } = await start();
    await expectFailed(runId, 'The training command was stopped after TRAINING_COMMAND_TIMEOUT_MIN (0.1 min).');
    await expectGone(runId);
  });

  it('cancel stops the command and everything it started; the run ends CANCELLED', async () => {
    useCommand('hang');
    const { runId } = await start();
    const done = job(runId);
    for (let i = 0; i < 300 && !(await run(runId)).logTail.includes('step 3/1000'); i++) await sleep(100);
    expect((await run(runId)).progress).toBeGreaterThan(0.1);
    await cancelRun(ml, runId);
    expect(await done).toEqual({ status: 'CANCELLED' });
    await expectGone(runId);
    expect((await run(runId)).status).toBe('CANCELLED');
  });

  it('a run left RUNNING by a dead worker fails on retry, and the command it left behind is stopped', async () => {
    useCommand('hang');
    const { runId } = await start();
    const dir = runDirFor(runId);
    fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
    const orphan = spawn(
      PYTHON,
      [FIXTURE, 'hang', '--snapshot', dir, '--format', 'x', '--out', path.join(dir, 'out'), '--version', 'v', '--snapshot-id', 's'],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    recordCommand(path.join(dir, 'command.json'), orphan.pid!);
    await db().workflowRun.update({ where: { id: runId }, data: { status: 'RUNNING', startedAt: new Date() } });
    for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, 'pids.txt')); i++) await sleep(100);
    await expectFailed(runId, 'The worker running this training stopped (its command was stopped too); start a new run.');
    await expectGone(runId);
  });
});

async function expectGone(runId: string) {
  const pids = fs
    .readFileSync(path.join(runDirFor(runId), 'pids.txt'), 'utf8')
    .trim()
    .split('\n')
    .map(Number);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
  expect(pids.filter(alive)).toEqual([]);
}
