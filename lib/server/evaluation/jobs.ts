import 'server-only';
import { getQueue } from '../jobs';
import type { Tx } from '../db';
import { evaluationRunJob } from '../workflows/jobs';

/**
 * `evaluation.run` ({ modelVersionId }) is defined by the workflows domain, which enqueues it when a trained model is
 * registered; its handler is runEvaluation (worker/handlers-evaluation.ts).
 */
export { evaluationRunJob };

/** A manual (re-)evaluation: a new job each time, since production or the criteria may have changed since the last. */
export async function enqueueEvaluation(modelVersionId: string, opts: { tx?: Tx } = {}) {
  return getQueue().enqueue(
    evaluationRunJob,
    { modelVersionId },
    { idempotencyKey: `evaluation.run:${modelVersionId}:${Date.now()}`, tx: opts.tx },
  );
}
