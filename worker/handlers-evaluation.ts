import { evaluationRunJob } from '@/lib/server/evaluation/jobs';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { entry, type HandlerEntry } from './handler-entry';

/**
 * Evaluation job kinds, merged into worker/handlers.ts. Concurrency 1: an evaluation holds model sessions and three
 * full-size masks per case, and may run for hours on CPU; a second one would only halve the speed of both.
 */
export const evaluationHandlers: Record<string, HandlerEntry> = {
  [evaluationRunJob.name]: entry(
    evaluationRunJob,
    (job) => runEvaluation(job.payload.modelVersionId, { signal: job.signal, reportProgress: (p) => job.reportProgress(p), jobId: job.id }),
    1,
  ),
};
