import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { db } from '../db';
import { env } from '../env';
import { AUDIT, recordAudit } from '../audit';
import { WORKER } from '../auth/actor';
import { isAppError } from '../errors';
import { PermanentJobError, type JobContext } from '../jobs';
import { finishRun } from './finish';
import { ingestRunArtefacts } from './ingest';
import { parseTrainingParams, versionForRun, type TrainingParams } from './params';
import { resolveParentCheckpoint, type ParentModel } from './parent';
import { RunReporter } from './reporter';
import { runnerFor } from './runners';
import type { RunnerContext, RunnerOutcome } from './runner';

export const runDirFor = (runId: string) => path.resolve(env().RUNS_DIR, runId);

/**
 * The `workflow.train` job: starts the run (resolving what it trains from), hands it to its runner, and records the
 * outcome. A failed training is a FAILED run, not a failed job: retrying would fail the same way.
 */
export async function executeTrainingRun(
  job: Pick<JobContext<{ runId: string }>, 'payload' | 'signal'>,
): Promise<{ status: string; modelVersionId?: string }> {
  const runId = job.payload.runId;
  const run = await db().workflowRun.findUnique({ where: { id: runId }, include: { parentModel: true } });
  if (!run) throw new PermanentJobError(`run ${runId} does not exist`);
  if (run.status !== 'QUEUED' && run.status !== 'RUNNING') return { status: run.status };
  const resumed = run.status === 'RUNNING';

  let params = parseTrainingParams(run.params);
  if (!resumed) {
    try {
      params = await resolveParams(run.id, params, run.parentModel, runnerFor(run.runner).needsCheckpoint !== false);
    } catch (err) {
      if (!isAppError(err)) throw err;
      await finishRun(run.id, { status: 'FAILED', error: err.userMessage });
      return { status: 'FAILED' };
    }
    if (!(await markRunning(run.id, params))) return { status: 'CANCELLED' };
  }
  const runDir = runDirFor(run.id);
  const reporter = new RunReporter(run.id, path.join(runDir, 'train.log'));
  reporter.start();
  const started = await db().workflowRun.findUniqueOrThrow({ where: { id: run.id }, select: { startedAt: true } });
  const ctx: RunnerContext = {
    runId: run.id,
    snapshotId: run.snapshotId!,
    params: params as RunnerContext['params'],
    runDir,
    reporter,
    signal: job.signal,
    resumed,
    startedAt: started.startedAt ?? new Date(),
  };
  let outcome: RunnerOutcome;
  try {
    outcome = await runnerFor(run.runner).execute(ctx);
  } catch (err) {
    outcome = { status: 'FAILED', error: isAppError(err) ? err.userMessage : err instanceof Error ? err.message : String(err) };
  }
  return record(ctx, outcome);
}

async function record(ctx: RunnerContext, outcome: RunnerOutcome): Promise<{ status: string; modelVersionId?: string }> {
  const { reporter, runId } = ctx;
  let result: { status: string; modelVersionId?: string } = { status: outcome.status };
  let detached: string | undefined;
  try {
    if (outcome.status === 'TRAINED') {
      reporter.log('validating and registering the model');
      const logBlobKey = await reporter.close();
      try {
        const mv = await ingestRunArtefacts(runId, outcome.artefacts, { logBlobKey, logTail: reporter.logTail() });
        result = { status: 'SUCCEEDED', modelVersionId: mv.modelVersionId };
      } catch (err) {
        if (!isAppError(err)) throw err;
        await finishRun(runId, {
          status: 'FAILED',
          error: `The trained model was refused: ${err.userMessage}`,
          logBlobKey,
          logTail: reporter.logTail(),
        });
        result = { status: 'FAILED' };
      }
    } else if (outcome.status === 'DETACHED') {
      reporter.log(`this worker let go of the run (${outcome.reason}); it is picked up again by the next attempt`);
      await reporter.close();
      detached = outcome.reason;
    } else if (outcome.status !== 'FINISHED') {
      if (outcome.status === 'FAILED') reporter.log(`run failed: ${outcome.error}`);
      const logBlobKey = await reporter.close();
      await finishRun(runId, {
        status: outcome.status,
        error: outcome.status === 'FAILED' ? outcome.error : undefined,
        logBlobKey,
        logTail: reporter.logTail(),
      });
    } else {
      await reporter.close();
    }
  } finally {
    await reporter.close().catch(() => undefined);
    if (!detached) cleanUp(ctx.runDir, result.status === 'SUCCEEDED' || result.status === 'FINISHED');
  }
  // Failing the attempt (rather than succeeding) is what makes the queue hand the job on; the run stays RUNNING.
  if (detached) throw new Error(`detached from run ${runId}: ${detached}`);
  return result;
}

/** Fixed when the run starts: the model name and version it will produce and the checkpoint it starts from. */
async function resolveParams(
  runId: string,
  params: TrainingParams,
  parent: ParentModel | null,
  needsCheckpoint: boolean,
): Promise<TrainingParams> {
  const useParent = params.input.init === 'parent' && parent;
  const checkpoint = useParent ? await resolveParentCheckpoint(parent).catch((err) => optionalCheckpoint(err, needsCheckpoint)) : null;
  return {
    ...params,
    resolved: {
      name: parent?.name ?? 'tumorwatch-seg',
      version: versionForRun(runId, parent?.version ?? null),
      parentCheckpoint: checkpoint && { sha256: checkpoint.sha256, cardSha256: checkpoint.cardSha256 },
    },
  };
}

/** A parent without a checkpoint (an imported model) fails only a runner that needs one. */
function optionalCheckpoint(err: unknown, needsCheckpoint: boolean): null {
  if (needsCheckpoint || !isAppError(err) || err.code !== 'CONFLICT') throw err;
  return null;
}

/** QUEUED -> RUNNING, unless the run was cancelled while it waited in the queue. */
async function markRunning(runId: string, params: TrainingParams): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const { count } = await tx.workflowRun.updateMany({
      where: { id: runId, status: 'QUEUED' },
      data: { status: 'RUNNING', startedAt: new Date(), progress: 0, params: params as object },
    });
    if (count) await recordAudit(tx, { actor: WORKER, action: AUDIT.runStart, entityId: runId, data: { resolved: params.resolved } });
    return count === 1;
  });
}

/** The materialised snapshot always goes (it is a copy of stored data); a failed run's folder keeps its output. */
function cleanUp(runDir: string, succeeded: boolean) {
  if (succeeded) return fs.rmSync(runDir, { recursive: true, force: true });
  for (const sub of ['cases', 'parent', 'snapshot']) fs.rmSync(path.join(runDir, sub), { recursive: true, force: true });
}
