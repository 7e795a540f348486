/**
 * Observing the app's asynchronous work from outside, the way a monitoring client would: read-only polls of cases,
 * jobs, runs and evaluations, each with a deadline and an error that says what to look at.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { db } from '@/lib/server/db';

const POLL_MS = 1000;

/** The serving job's final state: the case is PREDICTED, or the job failed for good (all attempts spent). */
export async function servingState(caseId: string): Promise<'done' | 'failed' | 'pending'> {
  const c = await db().case.findUnique({ where: { id: caseId }, select: { status: true } });
  if (c?.status === 'PREDICTED') return 'done';
  const job = await db().job.findUnique({ where: { idempotencyKey: `serving.case:${caseId}` }, select: { status: true, error: true } });
  return job?.status === 'FAILED' ? 'failed' : 'pending';
}

export async function servingError(caseId: string): Promise<string> {
  const job = await db().job.findUnique({ where: { idempotencyKey: `serving.case:${caseId}` }, select: { error: true } });
  return job?.error ?? 'unknown error';
}

export async function waitServed(caseIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const open = new Set(caseIds);
  while (open.size) {
    for (const id of [...open]) {
      const s = await servingState(id);
      if (s === 'failed') throw new Error(`serving failed for case ${id}: ${await servingError(id)}`);
      if (s === 'done') open.delete(id);
    }
    if (!open.size) return;
    if (Date.now() > deadline)
      throw new Error(
        `${open.size} case(s) still not served after ${timeoutMs / 1000} s (is the app's inline worker running? see server.log)`,
      );
    await sleep(POLL_MS);
  }
}

export interface RunOutcome {
  status: string;
  error: string | null;
  modelVersionId: string | null;
  /** name@version of the registered candidate */
  model: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export async function waitRun(runId: string, timeoutMs: number, log: (m: string) => void): Promise<RunOutcome> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const run = await db().workflowRun.findUnique({
      where: { id: runId },
      include: { resultModel: { select: { id: true, name: true, version: true } } },
    });
    if (!run) throw new Error(`run ${runId} vanished`);
    const line = `${run.status} ${(run.progress * 100).toFixed(0)}% ${(run.logTail ?? '').split('\n').filter(Boolean).pop() ?? ''}`.slice(
      0,
      160,
    );
    if (line !== last) log(`training run: ${line}`);
    last = line;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status)) {
      return {
        status: run.status,
        error: run.error,
        modelVersionId: run.resultModel?.id ?? null,
        model: run.resultModel ? `${run.resultModel.name}@${run.resultModel.version}` : null,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
      };
    }
    if (Date.now() > deadline) throw new Error(`training run ${runId} not finished after ${timeoutMs / 1000} s (last: ${line})`);
    await sleep(5 * POLL_MS);
  }
}

/** The evaluation job is queued when the candidate is registered; its Evaluation row appears once a worker takes it. */
export async function waitEvaluation(modelVersionId: string, timeoutMs: number, log: (m: string) => void): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const pickupDeadline = Date.now() + Math.min(timeoutMs, 120_000);
  let last = '';
  for (;;) {
    const ev = await db().evaluation.findFirst({ where: { modelVersionId }, orderBy: { createdAt: 'desc' }, include: { run: true } });
    if (ev?.finishedAt) return ev.id;
    if (ev?.run?.status === 'FAILED') throw new Error(`evaluation failed: ${ev.run.error}`);
    const job = await db().job.findUnique({ where: { idempotencyKey: `evaluation.run:${modelVersionId}` } });
    if (job?.status === 'FAILED') throw new Error(`evaluation job failed: ${job.error}`);
    if (!ev && job?.status === 'QUEUED' && Date.now() > pickupDeadline) {
      throw new Error(
        'the evaluation.run job was queued but no worker took it within 2 minutes: is its handler registered in worker/handlers.ts?',
      );
    }
    const line = ev ? `${((ev.run?.progress ?? 0) * 100).toFixed(0)}% ${ev.run?.logTail ?? ''}` : `job ${job?.status ?? 'not queued yet'}`;
    if (line !== last) log(`evaluation: ${line}`);
    last = line;
    if (Date.now() > deadline) throw new Error(`evaluation of ${modelVersionId} not finished after ${timeoutMs / 1000} s`);
    await sleep(3 * POLL_MS);
  }
}
