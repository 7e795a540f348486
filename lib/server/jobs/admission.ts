import 'server-only';
import type { Tx } from '../db';
import { env } from '../env';
import { AppError } from '../errors';

const ADMISSION_ROW = 'jobs.admission';

/**
 * Back-pressure that holds under concurrency: called inside the transaction that enqueues, it first writes one shared
 * row (on PostgreSQL a row lock held to the commit; SQLite has one writer anyway), so concurrent producers count the
 * queue one after another and never admit past QUEUE_LIMIT between a count and an insert.
 */
export async function admitToQueue(tx: Tx): Promise<void> {
  await tx.setting.upsert({ where: { key: ADMISSION_ROW }, create: { key: ADMISSION_ROW, value: {} }, update: { value: {} } });
  const depth = await tx.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } });
  if (depth >= env().QUEUE_LIMIT) {
    throw new AppError('UNAVAILABLE', `The job queue is full (${depth} jobs waiting or running); try again shortly.`, { retryAfterS: 30 });
  }
}
