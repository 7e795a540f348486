import type { JobHandler } from '@/lib/server/jobs';
import { trainingRunJob } from '@/lib/server/workflows/jobs';
import { executeTrainingRun } from '@/lib/server/workflows/execute';
import type { HandlerEntry } from './handler-entry';

/**
 * Job handlers of the workflows domain, merged into worker/handlers.ts. Training runs one at a time per worker: the
 * trainer already uses several threads, and two would fight over CPU and memory. (`evaluation.run` is enqueued by
 * lib/server/workflows/ingest.ts; its handler belongs to the evaluation domain.)
 */
export const workflowHandlers: Record<string, HandlerEntry> = {
  [trainingRunJob.name]: {
    definition: trainingRunJob,
    handler: executeTrainingRun as JobHandler<unknown, unknown>,
    concurrency: 1,
  } as unknown as HandlerEntry,
};
