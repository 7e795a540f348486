import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { freePort } from '../support/orthanc';
import { finishedTrainingRun } from './fixtures';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { changeStage } from '@/lib/server/registry/stage';
import { mirrorBackoffMs, processOutboxRow, drainOutbox } from '@/lib/server/mlflow/outbox';
import { mlflowMirrorJob, mlflowSender, pendingMirrorProblems, runMirrorJob } from '@/lib/server/mlflow';
import { handlers } from '@/worker/handlers';
import { mlflowModelStatus } from '@/lib/server/mlflow/queries';
import { MlflowStatus } from '@/components/mlflow/MlflowStatus';

/** The outbox without an MLflow server: unset changes nothing; a server that is down never fails the clinical step. */
useTestDb();
useTestBlobs();

function setUri(uri: string | undefined) {
  if (uri === undefined) delete process.env.MLFLOW_TRACKING_URI;
  else process.env.MLFLOW_TRACKING_URI = uri;
  resetEnvCache();
}

describe('the MLflow outbox', () => {
  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3, 4].map(mirrorBackoffMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(mirrorBackoffMs(40)).toBe(3_600_000);
  });

  it('with MLFLOW_TRACKING_URI unset, a finished run enqueues nothing', async () => {
    setUri(undefined);
    const { runId } = await finishedTrainingRun('7.0.0-unset');
    expect(await db().workflowRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'SUCCEEDED' });
    expect(await db().mlflowOutbox.count()).toBe(0);
    expect(await db().job.count({ where: { name: 'mlflow.mirror' } })).toBe(0);
    expect(await mlflowModelStatus('any')).toBeNull(); // no MLflow panel on the model page
  });

  it('with MLflow down, the run and the stage change succeed; each send records its error and backs off', async () => {
    setUri(`http://127.0.0.1:${await freePort()}`); // nothing listens there
    const { runId, modelVersionId } = await finishedTrainingRun('7.0.1-down');
    expect(await db().workflowRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'SUCCEEDED' });
    await db().$transaction((tx) => changeStage(tx, modelVersionId, 'shadow', 'CANDIDATE'));
    expect(await db().modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } })).toMatchObject({ stage: 'SHADOW' });

    const rows = await db().mlflowOutbox.findMany({ orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => r.kind)).toEqual(['training-run', 'model-stage', 'model-stage']);
    // each row's first job committed with it
    expect(
      await db().job.count({ where: { name: 'mlflow.mirror', idempotencyKey: { in: rows.map((r) => `mlflow.mirror:${r.id}:0`) } } }),
    ).toBe(3);

    const before = Date.now();
    expect(await processOutboxRow(rows[0].id, mlflowSender())).toBe('failed');
    const failed = await db().mlflowOutbox.findUniqueOrThrow({ where: { id: rows[0].id } });
    expect(failed).toMatchObject({ attempts: 1, doneAt: null });
    expect(failed.lastError).toMatch(/fetch failed|ECONNREFUSED/);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 5_000);
    const retry = await db().job.findUniqueOrThrow({ where: { idempotencyKey: `mlflow.mirror:${rows[0].id}:1` } });
    expect(retry.runAt.getTime()).toBe(failed.nextAttemptAt.getTime());
    // not due yet: left alone
    expect(await processOutboxRow(rows[0].id, mlflowSender())).toBe('skipped');
    // a sweep later: every row fails again, nothing throws, the backoff doubles
    const later = new Date(Date.now() + 60_000);
    expect(await drainOutbox(mlflowSender(), later)).toEqual({ sent: 0, failed: 3 });
    const again = await db().mlflowOutbox.findUniqueOrThrow({ where: { id: rows[0].id } });
    expect(again.attempts).toBe(2);
    expect(again.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(Date.now() + 9_000);
    // the model page's warning
    const problems = await pendingMirrorProblems([modelVersionId, runId]);
    expect(problems).toHaveLength(3);
    expect(problems[0].lastError).toMatch(/fetch failed|ECONNREFUSED/);
    // ... which the model page shows in its MLflow panel (the page renders MlflowStatus with mlflowModelStatus)
    const status = await mlflowModelStatus(modelVersionId);
    expect(status?.problems).toHaveLength(3);
    const html = renderToStaticMarkup(createElement(MlflowStatus, { status: status! }));
    expect(html).toContain('data-mlflow-warning');
    expect(html).toContain('MLflow mirror delayed: 3 update(s) not yet delivered');
  });

  it('a sender that throws anything is recorded, not thrown', async () => {
    setUri('http://127.0.0.1:9');
    const row = await db().mlflowOutbox.create({
      data: { kind: 'bogus', entityId: 'x', idempotencyKey: 'bogus:1', payload: {} },
    });
    expect(await processOutboxRow(row.id, mlflowSender())).toBe('failed');
    expect((await db().mlflowOutbox.findUniqueOrThrow({ where: { id: row.id } })).lastError).toBe('unknown MLflow outbox kind "bogus"');
  });

  it('the worker runs mlflow.mirror: its own row first, then what else is due; a failure is counted, not thrown', async () => {
    setUri('http://127.0.0.1:9');
    expect(handlers[mlflowMirrorJob.name]?.definition).toBe(mlflowMirrorJob);
    // the earlier tests' rows wait an hour, so the count below is this row's alone on a slow machine too
    await db().mlflowOutbox.updateMany({ where: { doneAt: null }, data: { nextAttemptAt: new Date(Date.now() + 3_600_000) } });
    const row = await db().mlflowOutbox.create({
      data: { kind: 'training-run', entityId: 'no-such-run', idempotencyKey: 'training-run:no-such-run', payload: {} },
    });
    expect(await runMirrorJob(row.id)).toEqual({ sent: 0, failed: 1 });
    expect((await db().mlflowOutbox.findUniqueOrThrow({ where: { id: row.id } })).lastError).toBe(
      'training run no-such-run does not exist',
    );
  });
});
