import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { useTestDb } from '../support/use-db';
import { defineJob, PermanentJobError, type JobDto, type JobQueue } from '@/lib/server/jobs';
import { retryDelayMs } from '@/lib/server/jobs/registry';
import { useQueues } from './support';

useTestDb();
const newQueue = useQueues();

const BACKOFF = 300;
const flaky = defineJob('test.flaky', z.object({ failures: z.number().int() }), {
  maxAttempts: 4,
  backoffMs: BACKOFF,
  maxBackoffMs: 60_000,
  timeoutMs: 10_000,
});
const doomed = defineJob('test.doomed', z.object({}), { maxAttempts: 3, backoffMs: 100, timeoutMs: 10_000 });
const slow = defineJob('test.slow', z.object({}), { maxAttempts: 1, backoffMs: 100, timeoutMs: 1_000 });

async function settled(queue: JobQueue, jobId: string, timeout = 30_000): Promise<JobDto> {
  let job: JobDto | null = null;
  await vi.waitFor(
    async () => {
      job = await queue.get(jobId);
      expect(job?.status === 'SUCCEEDED' || job?.status === 'FAILED').toBe(true);
    },
    { timeout, interval: 25 },
  );
  return job!;
}

describe(`retries (${process.env.TEST_LABEL ?? 'generated provider'})`, () => {
  it('computes exponential backoff, capped', () => {
    const policy = { maxAttempts: 10, backoffMs: 1_000, maxBackoffMs: 5_000, timeoutMs: 60_000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('retries a failing job with exponential backoff until it succeeds, showing the wait on the row', async () => {
    const queue = newQueue();
    const starts: number[] = [];
    const failures: number[] = [];
    await queue.work(flaky, async (job) => {
      starts.push(Date.now());
      if (job.attempt <= job.payload.failures) {
        failures.push(Date.now());
        throw new Error(`boom ${job.attempt}`);
      }
      return { attempt: job.attempt };
    });
    const waiting: JobDto[] = [];
    queue.onEvent((e) => {
      if (e.type === 'finish' && e.status === 'QUEUED') void queue.get(e.id).then((j) => j && waiting.push(j));
    });
    await queue.start();
    const { jobId } = await queue.enqueue(flaky, { failures: 2 }, { idempotencyKey: 'flaky-2' });
    const done = await settled(queue, jobId);
    expect(done).toMatchObject({ status: 'SUCCEEDED', attempts: 3, error: null, result: { attempt: 3 } });
    expect(starts).toHaveLength(3);
    // Attempt n+1 starts no earlier than backoff * 2^(n-1) after attempt n failed (a few ms of clock rounding allowed).
    expect(starts[1] - failures[0]).toBeGreaterThanOrEqual(BACKOFF - 5);
    expect(starts[2] - failures[1]).toBeGreaterThanOrEqual(2 * BACKOFF - 5);
    await vi.waitFor(() => expect(waiting).toHaveLength(2));
    expect(waiting[0]).toMatchObject({ status: 'QUEUED', attempts: 1, error: 'boom 1', lockedBy: null });
    expect(Date.parse(waiting[0].runAt) - failures[0]).toBeGreaterThanOrEqual(BACKOFF - 5);
  });

  it('fails for good after maxAttempts, keeping the last error', async () => {
    const queue = newQueue();
    const handler = vi.fn(async (job: { attempt: number }) => {
      throw new Error(`disk full on attempt ${job.attempt}`);
    });
    await queue.work(doomed, handler);
    await queue.start();
    const { jobId } = await queue.enqueue(doomed, {}, { idempotencyKey: 'doomed-1' });
    const failed = await settled(queue, jobId);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 3, maxAttempts: 3, error: 'disk full on attempt 3 (attempt 3 of 3)' });
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it('honours a per-job maxAttempts and fails at once on a PermanentJobError', async () => {
    const queue = newQueue();
    let permanentId = '';
    const handler = vi.fn(async (job: { attempt: number; id: string }) => {
      if (job.id === permanentId) throw new PermanentJobError('case was deleted');
      throw new Error('transient');
    });
    await queue.work(doomed, handler);
    const once = await queue.enqueue(doomed, {}, { idempotencyKey: 'doomed-once', maxAttempts: 1 });
    permanentId = (await queue.enqueue(doomed, {}, { idempotencyKey: 'doomed-permanent' })).jobId;
    await queue.start();
    expect(await settled(queue, once.jobId)).toMatchObject({ status: 'FAILED', attempts: 1, error: 'transient (attempt 1 of 1)' });
    expect(await settled(queue, permanentId)).toMatchObject({ status: 'FAILED', attempts: 1, error: 'case was deleted' });
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('aborts an attempt at its timeout and records why', async () => {
    const queue = newQueue();
    let sawAbort = false;
    await queue.work(
      slow,
      (job) =>
        new Promise((_, reject) => {
          job.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(job.signal.reason);
          });
        }),
    );
    await queue.start();
    const { jobId } = await queue.enqueue(slow, {}, { idempotencyKey: 'slow-1' });
    const failed = await settled(queue, jobId);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, error: 'timed out after 1000 ms (attempt 1 of 1)' });
    expect(sawAbort).toBe(true);
  });

  it('gives up on a handler that ignores its aborted signal one lease period after the timeout', async () => {
    const queue = newQueue({ leaseMs: 500 });
    await queue.work(slow, () => new Promise(() => undefined)); // never settles, never looks at the signal
    await queue.start();
    const { jobId } = await queue.enqueue(slow, {}, { idempotencyKey: 'stuck-1' });
    const failed = await settled(queue, jobId);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, error: 'timed out after 1000 ms (attempt 1 of 1)' });
    expect(Date.parse(failed.updatedAt) - Date.parse(failed.createdAt)).toBeGreaterThanOrEqual(1_500 - 5);
  });
});
