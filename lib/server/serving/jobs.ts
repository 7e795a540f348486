import 'server-only';
import { z } from 'zod';
import { defineJob } from '../jobs';
import type { Tx } from '../db';
import { getQueue } from '../jobs';

/** Segment a newly ingested case with every serving model (production, shadow, canary) and run its drift checks. */
export const serveCaseJob = defineJob('serving.case', z.strictObject({ caseId: z.string().min(1) }), {
  maxAttempts: 3,
  backoffMs: 5_000,
  timeoutMs: 20 * 60_000,
});

/** Called inside the ingestion transaction: the case and its serving job commit together (or neither does). */
export async function enqueueServing(tx: Tx, caseId: string) {
  return getQueue().enqueue(serveCaseJob, { caseId }, { idempotencyKey: `serving.case:${caseId}`, tx });
}

/**
 * Cases ingested while no model was in production were served by nobody (their job found an empty plan and ended);
 * the model that becomes production serves them. Called in the transaction that makes it production; a case whose
 * first job is still queued may run twice, which serving's idempotence absorbs.
 */
export async function enqueueWaitingCases(tx: Tx, productionId: string): Promise<number> {
  const waiting = await tx.case.findMany({ where: { status: 'RECEIVED', predictions: { none: {} } }, select: { id: true } });
  for (const c of waiting)
    await getQueue().enqueue(serveCaseJob, { caseId: c.id }, { idempotencyKey: `serving.case:${c.id}:${productionId}`, tx });
  return waiting.length;
}
