import 'server-only';
import { env } from '../env';
import { isPostgres } from '../db';
import { AppError } from '../errors';
import { PgBossQueue } from './pgboss-queue';
import { SqliteQueue } from './sqlite-queue';
import type { JobQueue, QueueOptions } from './types';

export type * from './types';
export { defineJob, PermanentJobError, type JobDefinition, type JobPolicy } from './registry';

/** A new queue for the configured database: pg-boss on PostgreSQL, the in-process poller on SQLite. */
export function createQueue(options: QueueOptions = {}): JobQueue {
  return isPostgres() ? new PgBossQueue(options) : new SqliteQueue(options);
}

// One queue per process (on globalThis: Next.js may evaluate this module once per bundle, and the worker started by
// instrumentation must be the same object that routes enqueue through).
const globalForQueue = globalThis as unknown as { tumorwatchQueue?: JobQueue };

export function getQueue(): JobQueue {
  globalForQueue.tumorwatchQueue ??= createQueue();
  return globalForQueue.tumorwatchQueue;
}

/** For tests and scripts: stops the process queue and forgets it. */
export async function resetQueue(): Promise<void> {
  const queue = globalForQueue.tumorwatchQueue;
  globalForQueue.tumorwatchQueue = undefined;
  await queue?.stop();
}

/** Back-pressure for producers (ingestion): refuses new work with 503 while QUEUE_LIMIT jobs are queued or running. */
export async function assertQueueCapacity(queue: JobQueue = getQueue()): Promise<void> {
  const depth = await queue.depth();
  if (depth >= env().QUEUE_LIMIT) {
    throw new AppError('UNAVAILABLE', `The job queue is full (${depth} jobs waiting or running); try again shortly.`, { retryAfterS: 30 });
  }
}
