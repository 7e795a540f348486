import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { mlflowAvailable, startMlflow, type TestMlflow } from '../support/mlflow';
import { mlflowReads } from './reads';
import { finishedEvaluation, finishedTrainingRun, modelImportCli } from './fixtures';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { changeStage } from '@/lib/server/registry/stage';
import { drainOutbox } from '@/lib/server/mlflow/outbox';
import { enqueueMirror, mlflowLinks, mlflowSender } from '@/lib/server/mlflow';
import { importFromMlflow } from '@/lib/server/mlflow/import';
import { createWorldUsers, type WorldUsers } from '../registry/world';
import { FAST } from '../jobs/support';
import { createQueue } from '@/lib/server/jobs';
import { promoteToShadow } from '@/lib/server/registry/promotion';
import { promotionReports } from '@/lib/server/registry/evidence/store';
import { handlers } from '@/worker/handlers';
import { mlflowMirrorJob } from '@/lib/server/mlflow';
import { blobs } from '@/lib/server/blobs';
import crypto from 'node:crypto';

/**
 * Mirroring into a REAL MLflow server (the pinned mlflow of .venv-mlflow, SQLite store, proxied local artefacts):
 * runs, metrics, artefacts and aliases arrive; killing MLflow mid-mirror loses nothing and duplicates nothing.
 */
const missing = mlflowAvailable();
if (missing) console.log(`NOTICE: tests/mlflow/mirror.test.ts skipped: ${missing}`);

// MLflow boots (Python imports, tens of seconds on a small machine) while the test database is created and migrated
const booting = missing
  ? null
  : startMlflow().then(
      (server) => ({ server }),
      (error: unknown) => ({ error }),
    );
useTestDb();
useTestBlobs();
let ml: TestMlflow;
const state: { name?: string; prodId?: string } = {};
let users: WorldUsers;
beforeAll(async () => {
  if (!booting) return;
  const boot = await booting;
  if ('error' in boot) throw boot.error;
  ml = boot.server;
  users = await createWorldUsers();
  process.env.MLFLOW_TRACKING_URI = ml.url;
  resetEnvCache();
}, 180_000);
afterAll(async () => {
  delete process.env.MLFLOW_TRACKING_URI;
  resetEnvCache();
  await ml?.stop();
});

const { q, runsTagged, history, artefacts, alias, versionOf, tagOf } = mlflowReads(() => ml);
const drain = () => drainOutbox(mlflowSender(), new Date(Date.now() + 24 * 3_600_000));

describe.skipIf(!!missing)('MLflow mirror against a real server', () => {
  it('a training run, its evaluation and the stages through promotion and rollback appear with metrics, artefacts and aliases', async () => {
    const prod = await finishedTrainingRun('8.0.0');
    for (const [step, from] of [
      ['shadow', 'CANDIDATE'],
      ['canary', 'SHADOW'],
      ['production', 'CANARY'],
    ] as const)
      await db().$transaction((tx) => changeStage(tx, prod.modelVersionId, step, from));
    const cand = await finishedTrainingRun('8.1.0', prod.modelVersionId);
    await db().$transaction((tx) => changeStage(tx, cand.modelVersionId, 'shadow', 'CANDIDATE'));
    const ev = await finishedEvaluation(cand.modelVersionId, 'PASS');
    await db().$transaction((tx) => enqueueMirror(tx, { kind: 'evaluation', entityId: ev.id, key: `evaluation:${ev.id}` }));
    expect((await drain()).failed).toBe(0);

    const [run] = await runsTagged('tumorwatch.run_id', cand.runId);
    expect(run.info.status).toBe('FINISHED');
    expect(tagOf(run, 'tumorwatch.snapshot_id')).toBe(cand.snapshotId);
    expect(tagOf(run, 'tumorwatch.parent_model_id')).toBe(prod.modelVersionId);
    expect(run.data.params).toContainEqual({ key: 'input.config', value: 'tiny' });
    expect((await history(run.info.run_id, 'loss')).map((m) => [m.step, m.value])).toEqual([
      [1, 0.8],
      [2, 0.5],
    ]);
    expect((await history(run.info.run_id, 'val_dice')).map((m) => [m.step, m.value])).toEqual([
      [1, 0.412],
      [2, 0.655],
    ]);
    const files = await artefacts(run.info.run_id);
    expect(files.map((f) => f.path).sort()).toEqual(['card.json', 'model.onnx', 'training.log']);
    expect(files.find((f) => f.path === 'model.onnx')?.file_size).toBe(cand.onnxBytes);

    const [evRun] = await runsTagged('tumorwatch.evaluation_id', ev.id);
    expect(tagOf(evRun, 'tumorwatch.verdict')).toBe('PASS');
    expect((await history(evRun.info.run_id, 'internal holdout/WT/dice'))[0].value).toBeCloseTo(0.91);
    expect((await history(evRun.info.run_id, 'gate_passed'))[0].value).toBe(1);

    expect(await alias(cand.name, 'champion')).toBe(await versionOf(prod.modelVersionId));
    expect(await alias(cand.name, 'challenger')).toBe(await versionOf(cand.modelVersionId));
    expect((await mlflowLinks('training-run', cand.runId))?.run).toContain(`/runs/${run.info.run_id}`);

    // signed promotion: the candidate becomes champion, the old production is archived, no challenger is left
    await db().$transaction((tx) => changeStage(tx, cand.modelVersionId, 'canary', 'SHADOW'));
    await db().$transaction(async (tx) => {
      await changeStage(tx, cand.modelVersionId, 'production', 'CANARY');
      await changeStage(tx, prod.modelVersionId, 'archive', 'PRODUCTION');
    });
    expect((await drain()).failed).toBe(0);
    expect(await alias(cand.name, 'champion')).toBe(await versionOf(cand.modelVersionId));
    expect(await alias(cand.name, 'challenger')).toBeNull();

    // rollback: the previous production is champion again
    await db().$transaction(async (tx) => {
      await changeStage(tx, cand.modelVersionId, 'rollback', 'PRODUCTION');
      await changeStage(tx, prod.modelVersionId, 'restore', 'ARCHIVED');
    });
    expect((await drain()).failed).toBe(0);
    expect(await alias(cand.name, 'champion')).toBe(await versionOf(prod.modelVersionId));
    const versions = await ml.api<{ model_versions?: unknown[] }>(
      'GET',
      `/api/2.0/mlflow/model-versions/search?filter=${q(`name = '${cand.name}'`)}`,
    );
    expect(versions.model_versions).toHaveLength(2);
    Object.assign(state, { name: cand.name, prodId: prod.modelVersionId });
  }, 240_000);

  it('imports models:/<name>@champion as a TumorWatch candidate with the same ONNX, linked to its MLflow version', async () => {
    const { ml: engineer, physician } = users;
    const uri = `models:/${state.name}@champion`;
    await expect(importFromMlflow(physician, { uri, version: '9.9.9-mlflow' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(importFromMlflow(engineer, { uri: 'models:/x@' })).rejects.toThrow(/not an MLflow model URI/);
    await expect(importFromMlflow(engineer, { uri: `models:/${state.name}/99` })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const imported = await importFromMlflow(engineer, { uri, version: '9.9.9-mlflow' });
    expect(imported).toMatchObject({ name: state.name, version: '9.9.9-mlflow', stage: 'CANDIDATE', created: true });
    const [mine, prod] = await Promise.all(
      [imported.id, state.prodId!].map((id) => db().modelVersion.findUniqueOrThrow({ where: { id } })),
    );
    expect(mine.sha256).toBe(prod.sha256);
    expect((await mlflowLinks('model-version', imported.id))?.version).toContain(`/versions/${await versionOf(prod.id)}`);
    // the operator's command, by version number; file options beside --mlflow are refused
    const byNumber = `models:/${state.name}/${await versionOf(prod.id)}`;
    const cli = await modelImportCli('--mlflow', byNumber, '--version', '9.9.8-cli');
    const viaCli = await db().modelVersion.findFirstOrThrow({ where: { version: '9.9.8-cli' } });
    expect(cli).toMatchObject({ code: 0, stdout: `registered ${state.name}@9.9.8-cli as CANDIDATE (id ${viaCli.id}) from ${byNumber}\n` });
    expect(viaCli.sha256).toBe(prod.sha256);
    const refused = await modelImportCli('--mlflow', uri, '--format', 'onnx');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--mlflow takes only --name and --version');
  }, 180_000);

  it("the worker's queue delivers a promotion, with its evidence report attached to the registered version", async () => {
    const cand = await finishedTrainingRun('8.4.0', state.prodId);
    await finishedEvaluation(cand.modelVersionId, 'PASS', state.prodId!);
    await promoteToShadow(users.ml, { modelVersionId: cand.modelVersionId, reason: 'gate passed' });
    const [shadow] = await promotionReports(cand.modelVersionId);
    // the worker's own registration of mlflow.mirror, on a real queue loop (only that handler: the evaluation.run job
    // the finished training run also queued would race this test's fixture evaluation)
    const queue = createQueue(FAST);
    const entry = handlers[mlflowMirrorJob.name]!;
    await queue.work(entry.definition, entry.handler, { concurrency: 1 });
    await queue.start();
    // the three rows (the run, its registration, the shadow step) are sent by jobs, each counting what it sent
    const sentByJobs = async () =>
      (await db().job.findMany({ where: { name: 'mlflow.mirror', status: 'SUCCEEDED' } }))
        .map((j) => (j.result as { sent?: number } | null)?.sent ?? 0)
        .reduce((a, b) => a + b, 0);
    try {
      await vi.waitFor(async () => expect(await sentByJobs()).toBe(3), { timeout: 120_000, interval: 200 });
    } finally {
      await queue.stop();
    }
    expect(await db().mlflowOutbox.count({ where: { doneAt: null } })).toBe(0);

    const version = await versionOf(cand.modelVersionId);
    expect(await alias(cand.name, 'challenger')).toBe(version);
    const mv = await ml.api<{ model_version: { run_id: string; tags?: { key: string; value: string }[] } }>(
      'GET',
      `/api/2.0/mlflow/model-versions/get?name=${q(cand.name)}&version=${version}`,
    );
    const tag = (key: string) => mv.model_version.tags?.find((t) => t.key === key)?.value;
    expect(tag('tumorwatch.evidence.shadow.sha256')).toBe(shadow.htmlSha256);
    const uri = tag('tumorwatch.evidence.shadow')!;
    expect(uri).toMatch(/^mlflow-artifacts:\/.+\/evidence\/shadow\.html$/);
    const files = await ml.api<{ files?: { path: string }[] }>(
      'GET',
      `/api/2.0/mlflow/artifacts/list?run_id=${mv.model_version.run_id}&path=evidence`,
    );
    expect((files.files ?? []).map((f) => f.path).sort()).toEqual(['evidence/shadow.html', 'evidence/shadow.pdf']);
    // the attached HTML is the frozen report itself, byte for byte
    const res = await fetch(`${ml.url}/api/2.0/mlflow-artifacts/artifacts/${uri.replace(/^mlflow-artifacts:\/+/, '')}`);
    const body = new Uint8Array(await res.arrayBuffer());
    expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(shadow.htmlSha256);
    expect(Buffer.from(body).equals(Buffer.from(await blobs().get(shadow.htmlKey)))).toBe(true);
  }, 240_000);

  it('MLflow killed mid-mirror and restarted: nothing is lost and nothing is created twice', async () => {
    const realFetch = globalThis.fetch;
    // killed right after runs/create answered: the run exists in MLflow but its outbox row is not done; the retry must find it
    for (const killAt of [3]) {
      const t = await finishedTrainingRun(`8.2.${killAt}`);
      let calls = 0;
      const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
        const res = await realFetch(input, init);
        if (String(input instanceof Request ? input.url : input).startsWith(ml.url) && ++calls === killAt) await ml.kill();
        return res;
      });
      const first = await drain();
      spy.mockRestore();
      expect(first.failed).toBeGreaterThan(0); // the clinical record is untouched; the rows wait
      await ml.start();
      expect(await drain()).toEqual({ sent: first.failed, failed: 0 });
      expect(await db().mlflowOutbox.count({ where: { doneAt: null } })).toBe(0);

      const runs = await runsTagged('tumorwatch.run_id', t.runId);
      expect(runs).toHaveLength(1);
      expect((await history(runs[0].info.run_id, 'loss')).map((m) => m.step)).toEqual([1, 2]);
      expect((await artefacts(runs[0].info.run_id)).map((f) => f.path).sort()).toEqual(['card.json', 'model.onnx', 'training.log']);
      const versions = await ml.api<{ model_versions?: { tags?: { key: string; value: string }[] }[] }>(
        'GET',
        `/api/2.0/mlflow/model-versions/search?filter=${q(`run_id = '${runs[0].info.run_id}'`)}`,
      );
      expect(versions.model_versions).toHaveLength(1);
      // sending a done row again (a job delivered twice) creates nothing either
      const row = await db().mlflowOutbox.findFirstOrThrow({ where: { entityId: t.runId } });
      await mlflowSender()(row);
      expect(await runsTagged('tumorwatch.run_id', t.runId)).toHaveLength(1);
      expect(await history(runs[0].info.run_id, 'loss')).toHaveLength(2);
    }
  }, 300_000);
});
