import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { readModelDir } from '@/lib/server/registry/register';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

/**
 * A run's artefacts become a candidate in the same transaction that ends the run: a run cancelled while onnxruntime
 * validates the file leaves no candidate behind (it used to leave one with no evaluation, attached to a cancelled run).
 */
const hooks: { afterPrepare?: () => Promise<void> } = {};
vi.mock('@/lib/server/registry/register', async (original) => {
  const real = await original<typeof import('@/lib/server/registry/register')>();
  return {
    ...real,
    prepareModelVersion: async (...args: Parameters<typeof real.prepareModelVersion>) => {
      const prepared = await real.prepareModelVersion(...args);
      await hooks.afterPrepare?.();
      return prepared;
    },
  };
});
const { ingestRunArtefacts } = await import('@/lib/server/workflows/ingest');

useTestDb();
useTestBlobs();

let model: { onnx: Uint8Array; card: Record<string, unknown> };
beforeAll(async () => {
  const dir = await readModelDir(process.env.TEST_MODEL_DIR ?? PRODUCTION_MODEL_DIR);
  model = { onnx: dir.onnx, card: dir.card as Record<string, unknown> };
});

/** A RUNNING training run and the artefacts its trainer would upload (the committed model, renamed to the run's version). */
async function runningRun(version: string) {
  const snapshot = await db().datasetSnapshot.create({
    data: { name: `snap-${version}`, sha256: version.padEnd(64, '0').slice(0, 64), manifestBlobKey: 'none', caseCount: 0 },
  });
  const run = await db().workflowRun.create({
    data: {
      kind: 'TRAINING',
      runner: 'LOCAL',
      status: 'RUNNING',
      snapshotId: snapshot.id,
      startedAt: new Date(),
      params: {
        input: { config: 'tiny', init: 'scratch', trigger: 'MANUAL' },
        resolved: { name: 'tumorwatch-seg', version, parentCheckpoint: null },
      },
    },
  });
  const training = { ...(model.card.training as object), datasetSnapshot: { id: snapshot.id, sha256: snapshot.sha256 } };
  return { run, artefacts: { onnx: model.onnx, card: { ...model.card, version, training }, metrics: null, checkpoint: null } };
}

describe("ingesting a run's artefacts", () => {
  it('registers the candidate, ends the run and queues its evaluation together', async () => {
    const { run, artefacts } = await runningRun('9.0.0-ok');
    const out = await ingestRunArtefacts(run.id, artefacts);
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: out.modelVersionId } })).toMatchObject({
      stage: 'CANDIDATE',
      trainingRunId: run.id,
    });
    expect(await db().workflowRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: 'SUCCEEDED' });
    expect(await db().job.count({ where: { idempotencyKey: `evaluation.run:${out.modelVersionId}` } })).toBe(1);
    expect(await ingestRunArtefacts(run.id, artefacts)).toEqual(out); // idempotent per run
  });

  it('a run cancelled while the model is validated leaves no candidate', async () => {
    const { run, artefacts } = await runningRun('9.0.1-cancelled');
    hooks.afterPrepare = async () => {
      await db().workflowRun.update({ where: { id: run.id }, data: { status: 'CANCELLED', finishedAt: new Date() } });
    };
    await expect(ingestRunArtefacts(run.id, artefacts)).rejects.toMatchObject({ code: 'CONFLICT' });
    hooks.afterPrepare = undefined;
    expect(await db().modelVersion.count({ where: { version: '9.0.1-cancelled' } })).toBe(0);
    expect(await db().workflowRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: 'CANCELLED' });
  });
});
