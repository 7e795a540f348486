import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { childEnv, env } from '../../env';
import { trainingManifest } from '../../datasets/training-manifest';
import { writeFiles, type SnapshotFile } from '../../datasets/files';
import { trainerArgs } from '../params';
import { lineSplitter, parseTrainerLine } from '../trainer-events';
import { killProcessGroup, killRecordedTrainer } from '../process';
import type { Artefacts, Runner, RunnerContext, RunnerOutcome } from '../runner';

/** Share of the progress bar spent writing the snapshot to disk before the trainer starts. */
const PREPARE = 0.05;
const PID_FILE = 'trainer.pid';

/**
 * LOCAL: the trainer in the app's virtual environment, on this worker. The snapshot's training cases are written to
 * the run folder, the trainer runs there in its own process group (so cancelling kills it and everything it spawned),
 * and its JSON-lines stdout becomes the run's progress and log.
 */
export const localRunner: Runner = {
  kind: 'LOCAL',
  async execute(ctx) {
    if (ctx.resumed) {
      // The worker that ran this died; a trainer it left behind is stopped, and the run is not silently restarted.
      const killed = await killRecordedTrainer(path.join(ctx.runDir, PID_FILE));
      return {
        status: 'FAILED',
        error: `The worker running this training stopped${killed ? ' (its trainer was stopped too)' : ''}; start a new run.`,
      };
    }
    await prepare(ctx);
    if (ctx.reporter.isCancelled) return { status: 'CANCELLED' };
    return train(ctx);
  },
};

async function prepare(ctx: RunnerContext): Promise<void> {
  const { reporter } = ctx;
  fs.mkdirSync(ctx.runDir, { recursive: true });
  const manifest = await trainingManifest(ctx.snapshotId);
  const files: SnapshotFile[] = [...manifest.files];
  const parent = ctx.params.resolved.parentCheckpoint;
  if (parent) {
    files.push({ path: 'parent/checkpoint.pt', sha256: parent.sha256 });
    if (parent.cardSha256) files.push({ path: 'parent/model-card.json', sha256: parent.cardSha256 });
  }
  reporter.log(`writing ${manifest.doc.cases.length} training cases (${files.length} files) to the run folder`);
  for (let i = 0; i < files.length; i += 10) {
    await writeFiles(ctx.runDir, files.slice(i, i + 10), ctx.signal);
    reporter.progress((PREPARE * Math.min(files.length, i + 10)) / files.length);
  }
  fs.writeFileSync(path.join(ctx.runDir, 'manifest.json'), JSON.stringify(manifest.doc, null, 1) + '\n');
}

function train(ctx: RunnerContext): Promise<RunnerOutcome> {
  const { reporter } = ctx;
  const python = env().PYTHON.includes('/') ? path.resolve(env().PYTHON) : env().PYTHON;
  // threads are the host's business, not the recipe's: the GitHub runner's trainer keeps the config's own
  const threads = env().TRAINER_THREADS;
  const args = ['-m', 'tumorwatch_train', ...trainerArgs(ctx.params), ...(threads ? ['--threads', String(threads)] : [])];
  reporter.log(`$ ${path.basename(python)} ${args.join(' ')}`);
  const child = spawn(python, args, {
    cwd: ctx.runDir,
    detached: true, // own process group: a cancel reaches the trainer's own children (data loaders) too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ PYTHONPATH: path.resolve('training/src'), PYTHONUNBUFFERED: '1' }),
  });
  if (child.pid) fs.writeFileSync(path.join(ctx.runDir, PID_FILE), String(child.pid));
  let done: Record<string, unknown> | undefined;
  let lastError: string | undefined;
  let stopReason: 'CANCELLED' | string | undefined;
  const stdout = lineSplitter((line) => {
    const e = parseTrainerLine(line);
    reporter.log(e.text);
    if (e.fraction !== undefined) reporter.progress(PREPARE + (1 - PREPARE) * 0.95 * e.fraction);
    if (e.point) reporter.point(e.point);
    if (e.done) done = e.done;
    if (e.error) lastError = e.error;
  });
  const stderr = lineSplitter((line) => reporter.log(line));
  child.stdout.on('data', (d) => stdout.push(d));
  child.stderr.on('data', (d) => stderr.push(d));
  const stop = (reason: string) => {
    stopReason ??= reason;
    void killProcessGroup(child);
  };
  reporter.onCancel(() => stop('CANCELLED'));
  const onAbort = () => stop(`stopped: ${String((ctx.signal.reason as Error)?.message ?? ctx.signal.reason)}`);
  ctx.signal.addEventListener('abort', onAbort);

  return new Promise<RunnerOutcome>((resolve) => {
    child.once('error', (err) => {
      lastError = `could not start the trainer (${python}): ${err.message}`;
    });
    child.once('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      fs.rmSync(path.join(ctx.runDir, PID_FILE), { force: true });
      if (stopReason === 'CANCELLED') return resolve({ status: 'CANCELLED' });
      if (stopReason) return resolve({ status: 'FAILED', error: `The trainer was ${stopReason}` });
      if (code === 0 && done) return resolve(readArtefacts(path.join(ctx.runDir, 'out')));
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      resolve({ status: 'FAILED', error: lastError ? `The trainer ${how}: ${lastError}` : `The trainer ${how}.` });
    });
  });
}

function readArtefacts(out: string): RunnerOutcome {
  const read = (name: string) => (fs.existsSync(path.join(out, name)) ? fs.readFileSync(path.join(out, name)) : null);
  const onnx = read('model.onnx');
  const card = read('model-card.json');
  if (!onnx || !card) return { status: 'FAILED', error: 'The trainer finished without writing model.onnx and model-card.json.' };
  const metrics = read('metrics.json');
  const checkpoint = read('checkpoint.pt');
  const artefacts: Artefacts = {
    onnx: new Uint8Array(onnx),
    card: JSON.parse(card.toString('utf8')),
    metrics: metrics ? JSON.parse(metrics.toString('utf8')) : null,
    checkpoint: checkpoint ? new Uint8Array(checkpoint) : null,
  };
  return { status: 'TRAINED', artefacts };
}
