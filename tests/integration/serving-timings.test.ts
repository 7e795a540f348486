import { describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { useQueues } from '../jobs/support';
import { db } from '@/lib/server/db';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { serveCaseJob } from '@/lib/server/serving/jobs';
import { STAGES, type StoredTimings } from '@/lib/server/serving/stage-timings';
import { handlers } from '@/worker/handlers';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

// the network in its own thread, two cases at a time: the stages of overlapping cases must still add up
useTestDb({ INFERENCE_NETWORK: 'thread' });
useTestBlobs();
const newQueue = useQueues();

/** Issue #27: every prediction records where its request-to-drift-report time went, stage by stage. */
describe('serving stage timings', () => {
  it('the worker records each stage of two cases served side by side, and the stages add up to the total', async () => {
    await registerModelVersion(SYSTEM, { ...(await readModelDir(PRODUCTION_MODEL_DIR)), stage: 'PRODUCTION' });
    // ingestion enqueues the serving jobs; the worker's own handler serves them, two at a time
    const ids: string[] = [];
    for (const id of ['TCGA-DU-7294', 'TCGA-FG-6692']) ids.push((await ingestCase(SYSTEM, { caseId: id }, realCaseFiles(id))).caseId);
    const queue = newQueue();
    const { handler } = handlers[serveCaseJob.name];
    await queue.work(serveCaseJob, handler, { concurrency: 2 });
    await queue.start();
    await vi.waitFor(async () => expect(await db().driftReport.count({ where: { caseId: { in: ids } } })).toBe(2), {
      timeout: 240_000,
      interval: 200,
    });
    await vi.waitFor(async () => expect(await db().case.count({ where: { id: { in: ids }, status: 'PREDICTED' } })).toBe(2), {
      timeout: 30_000,
    });

    for (const p of await db().prediction.findMany({ where: { caseId: { in: ids } } })) {
      const t = p.timingsMs as StoredTimings;
      expect(Object.keys(t.stages!).sort()).toEqual([...STAGES].sort());
      const sum = Object.values(t.stages!).reduce((a, b) => a + b, 0);
      // each stage is rounded to 0.1 ms and `other` closes the gap: the sum is the total to rounding
      expect(Math.abs(sum - t.requestToReport!)).toBeLessThan(0.05 * STAGES.length);
      // the pipeline's own stages are the segment timings, and every measured stage took time
      expect(t.stages!.preprocess).toBeCloseTo(t.preprocess!, 0);
      expect(t.stages!.network).toBeCloseTo(t.inference!, 0);
      expect(t.stages!.postprocess).toBeCloseTo(t.postprocess!, 0);
      for (const s of ['read', 'preprocess', 'network', 'postprocess', 'drift', 'writes'] as const) expect(t.stages![s]).toBeGreaterThan(0);
      expect(t.stages!.other).toBeGreaterThanOrEqual(-0.1 * STAGES.length);
      expect(t.requestToReport).toBeGreaterThan(t.total!);
    }
  }, 300_000);
});
