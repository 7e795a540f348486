import { afterAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT, listAuditEvents } from '@/lib/server/audit';
import { getQueue, resetQueue } from '@/lib/server/jobs';
import { systemPing } from '@/lib/server/jobs/system';
import { register } from '@/instrumentation';

useTestDb({ WORKER_MODE: 'inline' });
afterAll(async () => {
  delete process.env.NEXT_RUNTIME;
  await resetQueue();
});

describe(`inline worker through the Next.js instrumentation hook (${process.env.TEST_LABEL ?? 'generated provider'})`, () => {
  it('does nothing in the edge runtime', async () => {
    process.env.NEXT_RUNTIME = 'edge';
    await register();
    const { jobId } = await getQueue().enqueue(systemPing, {}, { idempotencyKey: 'edge-ping' });
    // Nothing works the queue yet: the job stays queued.
    expect((await getQueue().get(jobId))?.status).toBe('QUEUED');
  });

  it('starts the worker in the Node.js runtime, which runs the real system.ping handler', async () => {
    process.env.NEXT_RUNTIME = 'nodejs';
    await register();
    const { jobId } = await getQueue().enqueue(systemPing, { message: 'hello', delayMs: 200 }, { idempotencyKey: 'inline-ping' });
    await vi.waitFor(async () => expect((await getQueue().get(jobId))?.status).toBe('SUCCEEDED'), { timeout: 30_000, interval: 50 });
    expect((await getQueue().get(jobId))?.result).toEqual({ pong: 'hello', attempt: 1 });
    const audit = await listAuditEvents(db(), { action: AUDIT.systemPing });
    expect(audit.find((e) => e.entityId === jobId)).toMatchObject({
      actor: 'worker',
      entityType: 'Job',
      data: { message: 'hello', attempt: 1 },
    });
    // The job queued while no worker ran is picked up too.
    const queuedEarlier = (await getQueue().list({ name: systemPing.name })).find((j) => j.payload && j.id !== jobId);
    await vi.waitFor(async () => expect((await getQueue().get(queuedEarlier!.id))?.status).toBe('SUCCEEDED'), {
      timeout: 30_000,
      interval: 50,
    });
  });
});
