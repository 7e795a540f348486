import 'server-only';
import { z } from 'zod';
import { defineJob } from '../jobs/registry';

/**
 * `mlflow.mirror` ({ outboxId }): sends one MLflow outbox row, then any other due rows. One attempt per job: the
 * outbox row keeps its own attempts and backoff (lib/server/mlflow/outbox.ts) and a failed send enqueues the next job.
 */
export const mlflowMirrorJob = defineJob('mlflow.mirror', z.strictObject({ outboxId: z.string().min(1).max(100) }), {
  maxAttempts: 1,
  backoffMs: 0,
  maxBackoffMs: 0,
  timeoutMs: 10 * 60_000,
});
