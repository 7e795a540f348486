import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { childEnv, env } from '../../env';
import { AppError } from '../../errors';
import { lineSplitter, parseTrainerLine } from '../trainer-events';
import { killProcessGroup } from '../process';
import type { Runner, RunnerContext, RunnerOutcome } from '../runner';
import { expandCommand, parseCommandTemplate, type PlaceholderValues } from './command-template';
import { writeCommandInputs, type CommandInputs } from './command-inputs';
import { readCommandArtefacts } from './command-artefacts';
import { killRecordedCommand, recordCommand } from './command-process';

/** Share of the progress bar spent exporting the snapshot before the command starts. */
const PREPARE = 0.1;
const PID_FILE = 'command.json';

/** The configured argv template, or why this runner cannot run (also what the start form says). */
export function commandTemplate(): string[] {
  const text = env().TRAINING_COMMAND;
  if (!text?.trim()) throw new AppError('INVALID_INPUT', 'The command runner is not configured (TRAINING_COMMAND).');
  return parseCommandTemplate(text);
}

/**
 * COMMAND: the hospital's own training command, on this worker. It gets the run's training cases exported in the
 * configured format (a MONAI datalist or an nnU-Net raw dataset), the parent model's folder and an empty output
 * folder, and must leave a model card and the ONNX file(s) it names there; its stdout lines go to the run's log (JSON
 * lines of the trainer's event protocol also move the progress bar). Exit code, timeout, cancel and a dead worker are
 * handled as for LOCAL; the output is validated and registered by the caller like any runner's.
 */
export const commandRunner: Runner = {
  kind: 'COMMAND',
  needsCheckpoint: false,
  async execute(ctx) {
    if (ctx.resumed) {
      const killed = await killRecordedCommand(path.join(ctx.runDir, PID_FILE));
      return {
        status: 'FAILED',
        error: `The worker running this training stopped${killed ? ' (its command was stopped too)' : ''}; start a new run.`,
      };
    }
    const template = commandTemplate();
    fs.mkdirSync(ctx.runDir, { recursive: true });
    const inputs = await writeCommandInputs(ctx);
    ctx.reporter.progress(PREPARE);
    if (ctx.reporter.isCancelled) return { status: 'CANCELLED' };
    return run(ctx, expandCommand(template, placeholders(ctx, inputs)), inputs.outDir);
  },
};

function placeholders(ctx: RunnerContext, inputs: CommandInputs): PlaceholderValues {
  const { input, resolved } = ctx.params;
  const str = (v: number | null | undefined) => (v === null || v === undefined ? null : String(v));
  return {
    snapshot: inputs.snapshotDir,
    format: inputs.format,
    out: inputs.outDir,
    parent: inputs.parentDir,
    name: resolved.name,
    version: resolved.version,
    snapshot_id: ctx.snapshotId,
    run_id: ctx.runId,
    config: input.config,
    epochs: str(input.epochs),
    steps_per_epoch: str(input.stepsPerEpoch),
    seed: str(input.seed),
    threads: str(env().TRAINER_THREADS),
  };
}

function run(ctx: RunnerContext, argv: string[], outDir: string): Promise<RunnerOutcome> {
  const { reporter } = ctx;
  const cwd = path.resolve(env().TRAINING_COMMAND_CWD);
  const timeoutMin = env().TRAINING_COMMAND_TIMEOUT_MIN;
  reporter.log(`$ ${argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}   (in ${cwd})`);
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    detached: true, // own process group: cancel and timeout reach whatever the command starts
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ PYTHONUNBUFFERED: '1' }),
  });
  if (child.pid) recordCommand(path.join(ctx.runDir, PID_FILE), child.pid);
  let lastError: string | undefined;
  let lastLine: string | undefined;
  let stopReason: string | undefined;
  const stdout = lineSplitter((line) => {
    const e = parseTrainerLine(line);
    reporter.log(e.text);
    if (e.fraction !== undefined) reporter.progress(PREPARE + (1 - PREPARE) * 0.95 * e.fraction);
    if (e.point) reporter.point(e.point);
    if (e.error) lastError = e.error;
  });
  const stderr = lineSplitter((line) => {
    reporter.log(line);
    lastLine = line;
  });
  child.stdout.on('data', (d) => stdout.push(d));
  child.stderr.on('data', (d) => stderr.push(d));
  const stop = (reason: string) => {
    stopReason ??= reason;
    void killProcessGroup(child);
  };
  reporter.onCancel(() => stop('CANCELLED'));
  const onAbort = () => stop(`stopped: ${String((ctx.signal.reason as Error)?.message ?? ctx.signal.reason)}`);
  ctx.signal.addEventListener('abort', onAbort);
  const timer = setTimeout(() => stop(`stopped after TRAINING_COMMAND_TIMEOUT_MIN (${timeoutMin} min)`), timeoutMin * 60_000);

  return new Promise<RunnerOutcome>((resolve) => {
    child.once('error', (err) => {
      lastError = `could not start ${argv[0]} (in ${cwd}): ${err.message}`;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      fs.rmSync(path.join(ctx.runDir, PID_FILE), { force: true });
      if (stopReason === 'CANCELLED') return resolve({ status: 'CANCELLED' });
      if (stopReason) return resolve({ status: 'FAILED', error: `The training command was ${stopReason}.` });
      if (code === 0) return resolve(readCommandArtefacts(outDir));
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const why = lastError ?? lastLine;
      resolve({ status: 'FAILED', error: why ? `The training command ${how}: ${why}` : `The training command ${how}.` });
    });
  });
}
