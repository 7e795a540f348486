import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { type JobDto, type JobEvent, type JobQueue } from '@/lib/server/jobs';
import { z } from 'zod';
import { defineJob } from '@/lib/server/jobs';
import { hangOnce, hangOnceHandler, runsOf } from './fixtures/jobs';
import { FAST, spawnTsx, useQueues } from './support';

useTestDb();
const newQueue = useQueues();
const gated = defineJob('test.gated', z.object({}), { maxAttempts: 2, backoffMs: 100, timeoutMs: 60_000 });

async function until(queue: JobQueue, jobId: string, check: (j: JobDto) => boolean, timeout = 45_000): Promise<JobDto> {
  let job: JobDto | null = null;
  await vi.waitFor(
    async () => {
      job = await queue.get(jobId);
      expect(job && check(job)).toBe(true);
    },
    { timeout, interval: 50 },
  );
  return job!;
}

describe(`crash recovery (${process.env.TEST_LABEL ?? 'generated provider'})`, () => {
  it('retries a job whose worker claimed it and went silent, once its lease expires', async () => {
    const producer = newQueue();
    const { jobId } = await producer.enqueue(hangOnce, { label: 'abandoned' }, { idempotencyKey: 'abandoned-1' });
    // A worker claims it and dies before its first heartbeat: RUNNING under a lease nobody renews.
    await db().job.update({ where: { id: jobId }, data: { status: 'RUNNING', lockedBy: 'ghost', lockedAt: new Date(), attempts: 1 } });

    const rescuer = newQueue();
    const events: JobEvent[] = [];
    rescuer.onEvent((e) => events.push(e));
    await rescuer.work(hangOnce, hangOnceHandler(rescuer.workerId));
    await rescuer.start();
    const done = await until(rescuer, jobId, (j) => j.status === 'SUCCEEDED');
    expect(done).toMatchObject({ attempts: 2, lockedBy: rescuer.workerId, result: { by: rescuer.workerId } });
    // Recovery may come from the lease sweep (which reports a 'recovered' event) or, on PostgreSQL under load, from the
    // redelivered message: either way the rescuer ran it as attempt 2, and nothing else ran it.
    expect(events).toContainEqual(expect.objectContaining({ type: 'finish', id: jobId, status: 'SUCCEEDED', attempt: 2 }));
    // The ghost never ran the handler; the rescuer ran it once, as attempt 2.
    expect(await runsOf(jobId)).toEqual({
      starts: [{ attempt: 2, worker: rescuer.workerId }],
      dones: [{ attempt: 2, worker: rescuer.workerId }],
    });
  });

  it('fails the job instead when the abandoned attempt was its last', async () => {
    const producer = newQueue();
    const { jobId } = await producer.enqueue(hangOnce, { label: 'last' }, { idempotencyKey: 'abandoned-last', maxAttempts: 1 });
    await db().job.update({ where: { id: jobId }, data: { status: 'RUNNING', lockedBy: 'ghost', lockedAt: new Date(), attempts: 1 } });
    const rescuer = newQueue();
    await rescuer.work(hangOnce, hangOnceHandler(rescuer.workerId));
    await rescuer.start();
    const failed = await until(rescuer, jobId, (j) => j.status === 'FAILED');
    expect(failed.error).toMatch(/worker ghost stopped responding during attempt 1 of 1/);
    expect((await runsOf(jobId)).starts).toEqual([]);
  });

  it('completes exactly once after the worker running it is killed with SIGKILL', async () => {
    const producer = newQueue();
    const { jobId } = await producer.enqueue(hangOnce, { label: 'kill -9' }, { idempotencyKey: 'killed-1' });
    const child = spawnTsx(path.join(__dirname, 'fixtures/child-worker.ts'), [JSON.stringify({ ...FAST, workerId: 'doomed-child' })]);
    try {
      await vi.waitFor(async () => expect((await runsOf(jobId)).starts).toEqual([{ attempt: 1, worker: 'doomed-child' }]), {
        timeout: 60_000,
        interval: 100,
      });
      expect(await producer.get(jobId)).toMatchObject({ status: 'RUNNING', lockedBy: 'doomed-child', attempts: 1 });
    } finally {
      child.process.kill('SIGKILL');
    }
    expect(await child.exited).toBe('SIGKILL');

    const survivor = newQueue({ workerId: 'survivor' });
    await survivor.work(hangOnce, hangOnceHandler('survivor'));
    await survivor.start();
    const done = await until(survivor, jobId, (j) => j.status === 'SUCCEEDED');
    expect(done).toMatchObject({ attempts: 2, lockedBy: 'survivor', result: { by: 'survivor' } });
    const runs = await runsOf(jobId);
    expect(runs.dones).toEqual([{ attempt: 2, worker: 'survivor' }]);
    expect(runs.starts).toEqual(
      expect.arrayContaining([
        { attempt: 1, worker: 'doomed-child' },
        { attempt: 2, worker: 'survivor' },
      ]),
    );
    expect(runs.starts).toHaveLength(2);
  });

  it('stops gracefully: an in-flight job that outlasts the grace period is released and finished by the next worker', async () => {
    const first = newQueue({ graceMs: 300 });
    let aborted = false;
    await first.work(
      gated,
      (job) =>
        new Promise((_, reject) => {
          job.signal.addEventListener('abort', () => {
            aborted = true;
            reject(job.signal.reason);
          });
        }),
    );
    await first.start();
    const { jobId } = await first.enqueue(gated, {}, { idempotencyKey: 'released-1' });
    await until(first, jobId, (j) => j.status === 'RUNNING');
    await first.stop();
    expect(aborted).toBe(true);
    expect(await first.get(jobId)).toMatchObject({
      status: 'QUEUED',
      attempts: 0,
      lockedBy: null,
      error: 'released: the worker stopped during this attempt',
    });

    const next = newQueue();
    await next.work(gated, async (job) => ({ attempt: job.attempt }));
    await next.start();
    // The interrupted run does not count against the job: the next worker's run is attempt 1 again.
    expect(await until(next, jobId, (j) => j.status === 'SUCCEEDED')).toMatchObject({ attempts: 1, result: { attempt: 1 } });
  });

  it('stops gracefully: an in-flight job that finishes within the grace period is recorded before stop() returns', async () => {
    const queue = newQueue({ graceMs: 10_000 });
    let finish!: () => void;
    await queue.work(gated, () => new Promise((resolve) => (finish = () => resolve('finished'))));
    await queue.start();
    const { jobId } = await queue.enqueue(gated, {}, { idempotencyKey: 'graceful-1' });
    await until(queue, jobId, (j) => j.status === 'RUNNING');
    const stopping = queue.stop();
    setTimeout(() => finish(), 200);
    await stopping;
    expect(await queue.get(jobId)).toMatchObject({ status: 'SUCCEEDED', attempts: 1, result: 'finished' });
  });
});
