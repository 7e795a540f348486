import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTempBlobRoot } from '../labels/fixtures';
import { freePort } from '../support/orthanc';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { runEvaluation } from '@/lib/server/evaluation/run';
import { addPrediction, createModel, createWorldUsers, dataset, erode, labelledCase, truthMask } from '../registry/world';

/**
 * A real evaluation (stored predictions on one locked hold-out case) with MLflow configured but down: the evaluation
 * finishes with its verdict, and its MLflow outbox row and job were written in the same transaction.
 */
useTestDb({ BLOB_ROOT: useTempBlobRoot() });

describe('the evaluation hook', () => {
  it('a finished evaluation enqueues its MLflow mirror; MLflow being down does not fail it', async () => {
    process.env.MLFLOW_TRACKING_URI = `http://127.0.0.1:${await freePort()}`;
    resetEnvCache();
    const users = await createWorldUsers();
    const truth = truthMask(0);
    const { caseId } = await labelledCase(users, 'MLF-EV-1', truth);
    await dataset('holdout-internal', 'HOLDOUT_INTERNAL', [caseId]);
    const production = await createModel('seg', '1.0.0', 'PRODUCTION');
    await addPrediction(caseId, production.id, 'PRODUCTION', erode(truth, 2));
    const candidate = await createModel('seg', '1.1.0', 'CANDIDATE');
    await addPrediction(caseId, candidate.id, 'SHADOW', truth);

    await runEvaluation(candidate.id);
    const ev = await db().evaluation.findFirstOrThrow({ where: { modelVersionId: candidate.id } });
    expect(ev.finishedAt).not.toBeNull();
    expect(ev.verdict).not.toBe('PENDING');
    const row = await db().mlflowOutbox.findUniqueOrThrow({ where: { idempotencyKey: `evaluation:${ev.id}` } });
    expect(row).toMatchObject({ kind: 'evaluation', entityId: ev.id, doneAt: null, attempts: 0 });
    expect(await db().job.count({ where: { idempotencyKey: `mlflow.mirror:${row.id}:0` } })).toBe(1);
    delete process.env.MLFLOW_TRACKING_URI;
    resetEnvCache();
  });
});
