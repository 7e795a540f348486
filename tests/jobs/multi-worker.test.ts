import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT, listAuditEvents } from '@/lib/server/audit';
import { systemPing } from '@/lib/server/jobs/system';
import { z } from 'zod';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineJob, type JobHandler } from '@/lib/server/jobs';
import { repoRoot, spawnTsx, useQueues, type Child } from './support';

useTestDb();
const newQueue = useQueues();
const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
});

function startWorker(): Child {
  const child = spawnTsx(path.join(repoRoot, 'worker/index.ts'), [], { WORKER_CONCURRENCY: '2' });
  children.push(child);
  return child;
}

const counted = defineJob('test.counted', z.object({ i: z.number().int() }), { backoffMs: 100, timeoutMs: 30_000 });

describe(`worker processes (${process.env.TEST_LABEL ?? 'generated provider'})`, () => {
  it('two queue instances started together share N jobs, never running one twice', async () => {
    const runs = new Map<string, string[]>();
    const running = new Set<string>();
    let overlaps = 0;
    const handler =
      (worker: string): JobHandler<{ i: number }, null> =>
      async (job) => {
        if (running.has(job.id)) overlaps++;
        running.add(job.id);
        runs.set(job.id, [...(runs.get(job.id) ?? []), worker]);
        await sleep(20);
        running.delete(job.id);
        return null;
      };
    const [a, b] = [newQueue({ workerId: 'a' }), newQueue({ workerId: 'b' })];
    await Promise.all([a.work(counted, handler('a'), { concurrency: 3 }), b.work(counted, handler('b'), { concurrency: 3 })]);
    // Started at the same moment: on PostgreSQL both create the pg-boss queue concurrently (a deadlock without care).
    await Promise.all([a.start(), b.start()]);
    const N = 40;
    const ids = await Promise.all(
      Array.from({ length: N }, (_, i) => (i % 2 ? a : b).enqueue(counted, { i }, { idempotencyKey: `counted-${i}` })),
    );
    await vi.waitFor(async () => expect(await db().job.count({ where: { name: 'test.counted', status: 'SUCCEEDED' } })).toBe(N), {
      timeout: 60_000,
      interval: 100,
    });
    expect(overlaps).toBe(0);
    expect(ids.map(({ jobId }) => runs.get(jobId)?.length)).toEqual(Array(N).fill(1));
    expect(await db().job.count({ where: { name: 'test.counted', attempts: { not: 1 } } })).toBe(0);
  });

  it('two worker processes share N jobs and run each exactly once, then stop cleanly on SIGTERM', async () => {
    const workers = [startWorker(), startWorker()];
    await vi.waitFor(() => workers.forEach((w) => expect(w.output()).toMatch(/worker \S+ started/)), { timeout: 60_000, interval: 100 });

    const N = 30;
    const producer = newQueue();
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      ids.push((await producer.enqueue(systemPing, { message: `ping ${i}`, delayMs: 100 }, { idempotencyKey: `multi-${i}` })).jobId);
    }
    try {
      await vi.waitFor(async () => expect(await db().job.count({ where: { id: { in: ids }, status: 'SUCCEEDED' } })).toBe(N), {
        timeout: 90_000,
        interval: 200,
      });
    } catch (err) {
      workers.forEach((w, i) => console.error(`--- worker ${i} output ---\n${w.output()}`));
      throw err;
    }

    // Exactly once: one audit event per job (the handler writes it), and no job was ever claimed twice.
    const pings = (await listAuditEvents(db(), { action: AUDIT.systemPing, take: 500 })).filter((e) => ids.includes(e.entityId));
    expect(pings).toHaveLength(N);
    expect(new Set(pings.map((e) => e.entityId)).size).toBe(N);
    const rows = await db().job.findMany({ where: { id: { in: ids } } });
    expect(rows.every((r) => r.attempts === 1 && r.progress === 1)).toBe(true);
    // Both processes took part, and nothing else ran these jobs.
    const pids = workers.map((w) => `:${w.process.pid}:`);
    const byWorker = pids.map((pid) => rows.filter((r) => r.lockedBy?.includes(pid)).length);
    expect(byWorker.reduce((a, b) => a + b)).toBe(N);
    expect(byWorker.every((n) => n > 0)).toBe(true);
    // One log line per job start and finish (a worker logs the finish after its commit: the last line may still be
    // in the pipe when the database already says SUCCEEDED).
    await vi.waitFor(
      () => {
        const log = workers.map((w) => w.output()).join('');
        for (const id of ids) {
          expect(log).toContain(`job start system.ping ${id} attempt 1`);
          expect(log).toContain(`job finish system.ping ${id} attempt 1 SUCCEEDED`);
        }
      },
      { timeout: 10_000, interval: 100 },
    );

    for (const w of workers) w.process.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    for (const w of workers) expect(w.output()).toMatch(/worker \S+ stopped/);
  }, 180_000);
});
