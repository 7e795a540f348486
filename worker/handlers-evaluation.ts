import { evaluationRunJob } from '@/lib/server/evaluation/jobs';
import { runEvaluation } from '@/lib/server/evaluation/run';
import type { JobDefinition, JobHandler } from '@/lib/server/jobs';
import type { HandlerEntry } from './handlers';

/**
 * Evaluation job kinds, merged into worker/handlers.ts. Concurrency 1: an evaluation holds model sessions and three
 * full-size masks per case, and may run for hours on CPU; a second one would only halve the speed of both.
 */
function entry<P, I, R>(definition: JobDefinition<P, I>, handler: JobHandler<P, R>, concurrency?: number): HandlerEntry {
  return { definition, handler, concurrency } as unknown as HandlerEntry;
}

export const evaluationHandlers: Record<string, HandlerEntry> = {
  [evaluationRunJob.name]: entry(
    evaluationRunJob,
    (job) => runEvaluation(job.payload.modelVersionId, { signal: job.signal, reportProgress: (p) => job.reportProgress(p), jobId: job.id }),
    1,
  ),
};
