import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { resetEnvCache } from '@/lib/server/env';
import { blobs } from '@/lib/server/blobs';
import { resetQueue } from '@/lib/server/jobs';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { startTrainingRun } from '@/lib/server/workflows/start';
import { cancelRun } from '@/lib/server/workflows/cancel';
import { executeTrainingRun, runDirFor } from '@/lib/server/workflows/execute';
import { createDefaultDatasets, createSmallCase, createUser } from '../datasets/fixtures';

const FAKE = path.resolve(__dirname, 'fixtures/fake-trainer.sh');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-local-runner-'));
useTestDb({ PYTHON: FAKE, RUNS_DIR: path.join(tmp, 'runs'), MODELS_DIR: path.join(tmp, 'models') });
useTestBlobs();
afterAll(async () => {
  await resetQueue();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let ml: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  fs.chmodSync(FAKE, 0o755);
  ml = await createUser('ml@test', 'ML_ENGINEER');
  const sets = await createDefaultDatasets();
  const ids = [await createSmallCase('LR-1', { site: 'A' }), await createSmallCase('LR-2', { site: 'B' })];
  await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: ids });
});

const run = (id: string) => db().workflowRun.findUniqueOrThrow({ where: { id } });
const job = (runId: string, signal = new AbortController().signal) => executeTrainingRun({ payload: { runId }, signal });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function logText(key: string | null) {
  expect(key).not.toBeNull();
  return new TextDecoder().decode(await blobs().get(key!));
}

describe('LOCAL runner', () => {
  it('a crashed trainer marks the run FAILED with its reason, and keeps the full log', async () => {
    process.env.FAKE_TRAINER_MODE = 'crash';
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
    expect(await job(runId)).toEqual({ status: 'FAILED' });
    const r = await run(runId);
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('The trainer exited with code 1: RuntimeError: out of memory (simulated)');
    expect(r.finishedAt).not.toBeNull();
    const log = await logText(r.logBlobKey);
    expect(log).toContain('epoch 1 step 1/4 loss 1.5000');
    expect(log).toContain('Traceback (most recent call last)');
    expect(r.logTail).toContain('CUDA out of memory (simulated)');
    expect(log).toMatch(
      /args: -m tumorwatch_train train --manifest manifest.json --out out --config tiny --name tumorwatch-seg --version 0\.1\.0-run\./,
    );
    expect(log).not.toContain('--threads'); // unset TRAINER_THREADS: the trainer config's own
    // The materialised snapshot is removed; the run folder keeps the trainer's own output for diagnosis.
    expect(fs.existsSync(path.join(runDirFor(runId), 'cases'))).toBe(false);
    expect(await db().auditEvent.findMany({ where: { entityId: runId }, select: { action: true } })).toEqual(
      expect.arrayContaining([{ action: AUDIT.runCreate }, { action: AUDIT.runStart }, { action: AUDIT.runFail }]),
    );
  });

  it('cancel kills the trainer and everything in its process group, and the run ends CANCELLED with its log', async () => {
    process.env.FAKE_TRAINER_MODE = 'hang';
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
    const done = job(runId);
    for (let i = 0; i < 100 && !(await run(runId)).logTail.includes('step 3/1000'); i++) await sleep(100);
    const live = await run(runId);
    expect(live.status).toBe('RUNNING');
    expect(live.progress).toBeGreaterThan(0.05);
    const pids = fs
      .readFileSync(path.join(runDirFor(runId), 'pids.txt'), 'utf8')
      .trim()
      .split('\n')
      .map(Number);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    await cancelRun(ml, runId);
    expect(await done).toEqual({ status: 'CANCELLED' });
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
    expect(pids.filter(alive)).toEqual([]);
    const r = await run(runId);
    expect(r.status).toBe('CANCELLED');
    expect(await logText(r.logBlobKey)).toContain('step 3/1000');
  });

  it('a worker stop (job signal) stops the trainer and fails the run with the reason', async () => {
    process.env.FAKE_TRAINER_MODE = 'hang';
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
    const abort = new AbortController();
    const done = job(runId, abort.signal);
    for (let i = 0; i < 100 && !(await run(runId)).logTail.includes('step 2/'); i++) await sleep(100);
    abort.abort(new Error('the worker is stopping'));
    expect(await done).toEqual({ status: 'FAILED' });
    expect((await run(runId)).error).toBe('The trainer was stopped: the worker is stopping');
  });

  it('a run left RUNNING by a dead worker is failed on retry, and the trainer it left behind is stopped', async () => {
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
    await db().workflowRun.update({
      where: { id: runId },
      data: {
        status: 'RUNNING',
        startedAt: new Date(),
        params: { input: { config: 'tiny', epochs: null, stepsPerEpoch: null, seed: null, init: 'scratch', trigger: 'MANUAL' } },
      },
    });
    const dir = runDirFor(runId);
    fs.mkdirSync(dir, { recursive: true });
    const orphan = spawn(FAKE, ['-m', 'tumorwatch_train', 'train'], {
      cwd: dir,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, FAKE_TRAINER_MODE: 'hang' },
    });
    fs.writeFileSync(path.join(dir, 'trainer.pid'), String(orphan.pid));
    await sleep(300);
    expect(await job(runId)).toEqual({ status: 'FAILED' });
    expect((await run(runId)).error).toBe('The worker running this training stopped (its trainer was stopped too); start a new run.');
    for (let i = 0; i < 50 && alive(orphan.pid!); i++) await sleep(100);
    expect(alive(orphan.pid!)).toBe(false);
  });

  it('a queued run that was cancelled never starts', async () => {
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
    await cancelRun(ml, runId);
    expect(await job(runId)).toEqual({ status: 'CANCELLED' });
    expect((await run(runId)).startedAt).toBeNull();
  });
});

describe('fine-tuning needs the parent checkpoint', () => {
  it('fails clearly when the production model has no checkpoint anywhere', async () => {
    await db().modelVersion.create({
      data: {
        name: 'tumorwatch-seg',
        version: '1.0.0',
        blobKey: 'k',
        sha256: 's',
        card: { training: { config: { name: 'tiny' } } },
        stage: 'PRODUCTION',
      },
    });
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'production' });
    expect(await job(runId)).toEqual({ status: 'FAILED' });
    expect((await run(runId)).error).toMatch(
      /tumorwatch-seg@1\.0\.0 has no training checkpoint .*models\/tumorwatch-seg-1\.0\.0\/checkpoint\.pt/,
    );
  });

  it('finds a committed checkpoint under MODELS_DIR/<name>-<version>/ and hands it to the trainer', async () => {
    const dir = path.join(tmp, 'models', 'tumorwatch-seg-1.0.0');
    fs.mkdirSync(dir, { recursive: true });
    const bytes = Buffer.from('a checkpoint, as far as this test is concerned');
    fs.writeFileSync(path.join(dir, 'checkpoint.pt'), bytes);
    process.env.FAKE_TRAINER_MODE = 'no-artefacts';
    const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'production' });
    expect(await job(runId)).toEqual({ status: 'FAILED' });
    const r = await run(runId);
    expect(r.error).toBe('The trainer finished without writing model.onnx and model-card.json.');
    const log = await logText(r.logBlobKey);
    expect(log).toContain(`parent checkpoint ${createHash('sha256').update(bytes).digest('hex')}`);
    expect(log).toMatch(/--config tiny --name tumorwatch-seg --version 1\.1\.0-run\.\S+ --init-from parent/);
  });

  it('passes TRAINER_THREADS to the trainer as --threads (the host decides, not the recipe)', async () => {
    process.env.FAKE_TRAINER_MODE = 'crash';
    process.env.TRAINER_THREADS = '2';
    resetEnvCache();
    try {
      const { runId } = await startTrainingRun(ml, { runner: 'LOCAL', init: 'scratch', config: 'tiny' });
      expect(await job(runId)).toEqual({ status: 'FAILED' });
      expect(await logText((await run(runId)).logBlobKey)).toMatch(/args: -m tumorwatch_train train .* --threads 2\n/);
    } finally {
      delete process.env.TRAINER_THREADS;
      resetEnvCache();
    }
  });

  it('refuses, before anything runs, a preset that differs from the parent network', async () => {
    await expect(startTrainingRun(ml, { runner: 'LOCAL', init: 'production', config: 'small' })).rejects.toThrow(
      /choose the "tiny" preset/,
    );
  });
});
