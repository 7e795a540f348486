import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { env } from '@/lib/server/env';
import { db } from '@/lib/server/db';
import { AUDIT, recordAudit } from '@/lib/server/audit';
import { WORKER } from '@/lib/server/auth/actor';
import type { JobHandler, JobQueue } from '@/lib/server/jobs';
import { systemPing } from '@/lib/server/jobs/system';
import { serveCaseJob } from '@/lib/server/serving/jobs';
import { serveCase } from '@/lib/server/serving/serve-case';
import { entry, type HandlerEntry } from './handler-entry';
import { workflowHandlers } from './handlers-workflows';
import { evaluationHandlers } from './handlers-evaluation';
import { pacsPollJob, pollPacs, schedulePacsPoll } from '@/lib/server/dicom/pacs/schedule';
import { mlflowMirrorJob, runMirrorJob } from '@/lib/server/mlflow';

async function ping(job: Parameters<JobHandler<z.output<typeof systemPing.schema>>>[0]) {
  const { message, delayMs } = job.payload;
  const steps = 10;
  for (let i = 1; delayMs > 0 && i <= steps; i++) {
    await sleep(delayMs / steps, undefined, { signal: job.signal });
    await job.reportProgress(i / steps);
  }
  await db().$transaction((tx) =>
    recordAudit(tx, { actor: WORKER, action: AUDIT.systemPing, entityId: job.id, data: { message, attempt: job.attempt } }),
  );
  return { pong: message, attempt: job.attempt };
}

/**
 * Cases one worker process serves at once. With the network in its own thread (INFERENCE_NETWORK=thread) two: the
 * thread runs one case's windows while the main thread reads, pre- or postprocesses, drift-checks and writes the
 * other. On the main thread the network blocks everything else, so a second case would only wait: one.
 */
export const servingConcurrency = () => (env().INFERENCE_NETWORK === 'thread' ? 2 : 1);

/**
 * The worker's job kinds: one entry per job name, mapping it to its handler. Domains add their entries here
 * (inference, drift, evaluation, training dispatch); handlers must be idempotent (handler-entry.ts).
 */
export const handlers: Record<string, HandlerEntry> = {
  [systemPing.name]: entry(systemPing, ping),
  // Inference holds a case's volumes in memory: servingConcurrency() cases at a time (registerHandlers)
  [serveCaseJob.name]: entry(serveCaseJob, (job) => serveCase(job.payload.caseId, job.signal, job.queuedAt)),
  ...workflowHandlers,
  ...evaluationHandlers,
  // the scheduled PACS pull (PACS_POLL_MINUTES); one poll at a time per worker
  [pacsPollJob.name]: entry(pacsPollJob, (job) => pollPacs(job), 1),
  // MLflow mirroring (an outbox row per job; failures are kept on the row, never thrown): one at a time, in order
  [mlflowMirrorJob.name]: entry(mlflowMirrorJob, (job) => runMirrorJob(job.payload.outboxId), 1),
};

/** Registers every handler on the queue; start the queue afterwards. */
export async function registerHandlers(queue: JobQueue, options: { concurrency?: number } = {}): Promise<void> {
  for (const h of Object.values(handlers)) {
    const concurrency = h.definition.name === serveCaseJob.name ? servingConcurrency() : (h.concurrency ?? options.concurrency ?? 1);
    await queue.work(h.definition, h.handler, { concurrency });
  }
  await schedulePacsPoll(queue); // the chain of scheduled polls starts with the first worker (a no-op without a PACS)
}
