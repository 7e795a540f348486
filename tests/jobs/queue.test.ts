import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { assertQueueCapacity, defineJob, type JobDto } from '@/lib/server/jobs';
import { useQueues } from './support';

const testDb = useTestDb();
const newQueue = useQueues();

const double = defineJob('test.double', z.object({ n: z.number().int() }), { backoffMs: 100, timeoutMs: 10_000 });
const other = defineJob('test.other', z.object({}), {});

async function until(queueGet: () => Promise<JobDto | null>, check: (job: JobDto) => boolean, timeout = 20_000): Promise<JobDto> {
  let last: JobDto | null = null;
  await vi.waitFor(
    async () => {
      last = await queueGet();
      expect(last && check(last)).toBe(true);
    },
    { timeout, interval: 25 },
  );
  return last!;
}

describe(`job queue basics (${process.env.TEST_LABEL ?? 'generated provider'})`, () => {
  it('picks the implementation from the database provider', () => {
    expect(newQueue().kind).toBe(testDb.db?.provider === 'postgresql' ? 'pg-boss' : 'sqlite');
  });

  it('enqueues, claims and completes a job, keeping its result', async () => {
    const queue = newQueue();
    await queue.work(double, async (job) => ({ doubled: job.payload.n * 2, attempt: job.attempt }));
    await queue.start();
    const { jobId, created } = await queue.enqueue(double, { n: 21 }, { idempotencyKey: 'double-21' });
    expect(created).toBe(true);
    const done = await until(
      () => queue.get(jobId),
      (j) => j.status === 'SUCCEEDED',
    );
    expect(done).toMatchObject({ name: 'test.double', attempts: 1, progress: 1, error: null, lockedBy: queue.workerId });
    expect(done.result).toEqual({ doubled: 42, attempt: 1 });
    expect(done.payload).toEqual({ n: 21 });
  });

  it('dedupes by idempotency key: same key, same job, no second row', async () => {
    const queue = newQueue();
    const first = await queue.enqueue(double, { n: 1 }, { idempotencyKey: 'dedupe-1' });
    const racing = await Promise.all([1, 2, 3].map(() => queue.enqueue(double, { n: 1 }, { idempotencyKey: 'dedupe-1' })));
    expect(first.created).toBe(true);
    expect(racing.every((r) => r.jobId === first.jobId && !r.created)).toBe(true);
    expect(await db().job.count({ where: { idempotencyKey: 'dedupe-1' } })).toBe(1);
    await expect(queue.enqueue(other, {}, { idempotencyKey: 'dedupe-1' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('rejects a bad payload at enqueue, naming the field, and writes nothing', async () => {
    const queue = newQueue();
    const bad = queue.enqueue('test.double', { n: 'seven' } as never, { idempotencyKey: 'bad-1' });
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { fieldErrors: { n: [expect.any(String)] } } });
    await expect(bad).rejects.toThrow(/Invalid payload for job "test.double": n:/);
    await expect(queue.enqueue('test.nope', {}, { idempotencyKey: 'bad-2' })).rejects.toThrow(/Unknown job "test.nope"/);
    expect(await db().job.count({ where: { idempotencyKey: { in: ['bad-1', 'bad-2'] } } })).toBe(0);
  });

  it('fails a stored job whose payload no longer validates, without retrying it', async () => {
    // Written behind the queue's back (an older release's payload); on PostgreSQL the sweep also sends its missing message.
    const row = await db().job.create({
      data: { name: 'test.double', payload: { n: 'x' }, idempotencyKey: 'stale-payload', runAt: new Date(Date.now() - 60_000) },
    });
    const handler = vi.fn(async (job: { id: string }) => job.id);
    const queue = newQueue();
    await queue.work(double, handler);
    await queue.start();
    const failed = await until(
      () => queue.get(row.id),
      (j) => j.status === 'FAILED',
    );
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatch(/Invalid payload for job "test.double": n:/);
    expect(handler.mock.calls.map(([job]) => job.id)).not.toContain(row.id);
  });

  it('makes progress visible through get() while the job runs', async () => {
    const queue = newQueue();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let rangeError: unknown;
    await queue.work(double, async (job) => {
      await job.reportProgress(0.25);
      await job.reportProgress(1.5).catch((e) => (rangeError = e));
      await gate;
      return null;
    });
    await queue.start();
    const { jobId } = await queue.enqueue(double, { n: 2 }, { idempotencyKey: 'progress-1' });
    const running = await until(
      () => queue.get(jobId),
      (j) => j.status === 'RUNNING' && j.progress === 0.25,
    );
    expect(running.lockedAt).not.toBeNull();
    expect(rangeError).toBeInstanceOf(RangeError);
    release();
    const done = await until(
      () => queue.get(jobId),
      (j) => j.status === 'SUCCEEDED',
    );
    expect(done.progress).toBe(1);
    expect(done.result).toBeNull();
  });

  it('does not start a job before its runAt', async () => {
    const queue = newQueue();
    const started: number[] = [];
    await queue.work(double, async () => void started.push(Date.now()));
    await queue.start();
    const runAt = new Date(Date.now() + 1_500);
    const { jobId } = await queue.enqueue(double, { n: 5 }, { idempotencyKey: 'later-1', runAt });
    await until(
      () => queue.get(jobId),
      (j) => j.status === 'SUCCEEDED',
    );
    expect(started[0]).toBeGreaterThanOrEqual(runAt.getTime() - 5);
  });

  it('enqueues inside a caller transaction: nothing survives a rollback, a commit runs', async () => {
    const queue = newQueue();
    let rolledBackId = '';
    await expect(
      db().$transaction(async (tx) => {
        rolledBackId = (await queue.enqueue(double, { n: 8 }, { idempotencyKey: 'tx-1', tx })).jobId;
        throw new Error('ingest failed after enqueue');
      }),
    ).rejects.toThrow('ingest failed');
    expect(await queue.get(rolledBackId)).toBeNull();
    if (testDb.db?.provider === 'postgresql') {
      // The pg-boss message was written in the same transaction, so it is gone too.
      const rows = await db().$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'jobId' = $1`,
        rolledBackId,
      );
      expect(rows[0].n).toBe(0);
    }
    const committed = await db().$transaction((tx) => queue.enqueue(double, { n: 8 }, { idempotencyKey: 'tx-1', tx }));
    expect(committed.created).toBe(true);
    await queue.work(double, async (job) => job.payload.n);
    await queue.start();
    expect(
      await until(
        () => queue.get(committed.jobId),
        (j) => j.status === 'SUCCEEDED',
      ),
    ).toMatchObject({ result: 8, attempts: 1 });
  });

  it('reports depth and lists by status and name; producers get 503 over QUEUE_LIMIT', async () => {
    await db().job.deleteMany();
    const queue = newQueue();
    for (const n of [1, 2, 3]) await queue.enqueue(double, { n }, { idempotencyKey: `depth-${n}` });
    await queue.enqueue(other, {}, { idempotencyKey: 'depth-other' });
    expect(await queue.depth()).toBe(4);
    const listed = await queue.list({ status: 'QUEUED', name: 'test.double' });
    expect(listed.map((j) => j.payload)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
    expect(await queue.list({ status: 'SUCCEEDED' })).toEqual([]);

    process.env.QUEUE_LIMIT = '4';
    resetEnvCache();
    try {
      await expect(assertQueueCapacity(queue)).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503 });
      process.env.QUEUE_LIMIT = '5';
      resetEnvCache();
      await expect(assertQueueCapacity(queue)).resolves.toBeUndefined();
    } finally {
      delete process.env.QUEUE_LIMIT;
      resetEnvCache();
    }
  });
});
