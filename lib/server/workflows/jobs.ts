import 'server-only';
import { z } from 'zod';
import { defineJob } from '../jobs';

/**
 * One training run on the worker. A trainer failure is recorded on the run and the job still succeeds (retrying a
 * failed training would only fail again); the second attempt exists for a worker that died mid-run, and finds the
 * run where the first left it (see execute.ts).
 */
export const trainingRunJob = defineJob('workflow.train', z.strictObject({ runId: z.string().min(1) }), {
  maxAttempts: 2,
  backoffMs: 10_000,
  maxBackoffMs: 60_000,
  timeoutMs: 23 * 3_600_000,
});

/** Evaluation of a new candidate on the hold-out sets; its handler lives with the evaluation domain. */
export const evaluationRunJob = defineJob('evaluation.run', z.strictObject({ modelVersionId: z.string().min(1) }), {
  maxAttempts: 2,
  backoffMs: 10_000,
  timeoutMs: 6 * 3_600_000,
});
