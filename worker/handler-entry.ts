import type { JobDefinition, JobHandler } from '@/lib/server/jobs';

// The entry shape lives apart from worker/handlers.ts, which merges every domain's entries: a domain's handler file
// (handlers-evaluation.ts, handlers-workflows.ts) needs the shape, and importing it from the file that imports them
// made an import cycle.

/**
 * One job kind: its definition and handler. Handlers run at least once per job: a worker that dies after a side
 * effect but before recording success is retried, so side effects must be idempotent (upserts, content keys).
 */
export interface HandlerEntry {
  definition: JobDefinition<unknown, unknown>;
  handler: JobHandler<unknown, unknown>;
  /** Overrides WORKER_CONCURRENCY for this kind (e.g. 1 for memory-hungry inference). */
  concurrency?: number;
}

/** Erases a typed definition and handler to the queue's uniform entry (the payload schema checks at run time). */
export function entry<P, I, R>(definition: JobDefinition<P, I>, handler: JobHandler<P, R>, concurrency?: number): HandlerEntry {
  return { definition, handler, concurrency } as unknown as HandlerEntry;
}
