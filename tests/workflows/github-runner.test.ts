/**
 * The GITHUB_ACTIONS runner against a local fake of the GitHub REST API. On dispatch, the fake runs the shell steps of
 * .github/workflows/retrain.yml itself against the app's route handlers served over HTTP: download the manifest and
 * files with the run token, train with the real trainer (config tiny), upload the artefacts with curl. Then the
 * upload endpoint's token rules: wrong, reused and expired tokens are refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { resetQueue } from '@/lib/server/jobs';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { readCaseFolder } from '@/lib/server/cases/folder';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { startTrainingRun } from '@/lib/server/workflows/start';
import { cancelRun } from '@/lib/server/workflows/cancel';
import { executeTrainingRun } from '@/lib/server/workflows/execute';
import * as manifestRoute from '@/app/api/runs/[runId]/manifest/route';
import * as filesRoute from '@/app/api/runs/[runId]/files/[sha256]/route';
import * as artefactsRoute from '@/app/api/runs/[runId]/artefacts/route';
import { createDefaultDatasets, createUser } from '../datasets/fixtures';
import { startFakeGithub, type FakeGithub, type FakeRun } from './fixtures/fake-github';
import { runRetrainWorkflow, startAppServer } from './fixtures/retrain-workflow';
import { approveReferenceMask } from '../support/case-rows';

const REPO = { repository: 'acme/tumorwatch', workflowFile: 'retrain.yml', token: 'ghp_fake_token', ref: 'main' };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-github-'));
useTestDb({ RUNS_DIR: path.join(tmp, 'runs'), GITHUB_POLL_MS: '50' });
useTestBlobs();

let gh: FakeGithub;
let app: Awaited<ReturnType<typeof startAppServer>>;
let APP: string;
let ml: Awaited<ReturnType<typeof createUser>>;
let drifterSha: string;

beforeAll(async () => {
  gh = await startFakeGithub(REPO);
  app = await startAppServer();
  APP = app.url; // the app's public URL: what the workflow is told to download from and upload to
  Object.assign(process.env, {
    NEXTAUTH_URL: APP,
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: REPO.repository,
    GITHUB_TOKEN: REPO.token,
    GITHUB_WORKFLOW_FILE: REPO.workflowFile,
    GITHUB_REF: REPO.ref,
  });
  resetEnvCache();
  ml = await createUser('ml@test', 'ML_ENGINEER');
  const sets = await createDefaultDatasets();
  const out = path.join(tmp, 'cohort');
  const { cases } = await generateCohort({ domain: 'A', n: 4, seed: '21', out, grid: { dims: [96, 96, 64], spacing: [2, 2, 2.5] } });
  const ids: string[] = [];
  for (const c of cases) {
    const f = await readCaseFolder(path.join(out, c.caseId));
    const id = (await ingestCase(SYSTEM, f.metadata, f.files)).caseId;
    await approveReferenceMask(id, ml.id);
    ids.push(id);
  }
  await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: ids.slice(0, 3) });
  await addCasesToDataset(ml, { datasetId: sets.drifter.id, caseIds: ids.slice(3) });
  drifterSha = (await db().volume.findFirstOrThrow({ where: { caseId: ids[3], modality: 'T1C' } })).sha256;
});

afterAll(async () => {
  await gh?.close();
  await app?.close();
  await resetQueue();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const ctx = <E extends Record<string, string>>(runId: string, extra = {} as E) => ({ params: Promise.resolve({ runId, ...extra }) });
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const getManifest = (runId: string, token: string) =>
  manifestRoute.GET(new Request(`${APP}/api/runs/${runId}/manifest`, { headers: auth(token) }), ctx(runId));
const getFile = (url: string, token: string) => {
  const [, runId, sha256] = new URL(url).pathname.match(/^\/api\/runs\/([^/]+)\/files\/([0-9a-f]{64})$/)!;
  return filesRoute.GET(new Request(url, { headers: auth(token) }), ctx(runId, { sha256 }));
};
function upload(runId: string, token: string, files: Record<string, Uint8Array>) {
  const form = new FormData();
  for (const [name, bytes] of Object.entries(files)) form.append(name, new Blob([new Uint8Array(bytes)]), name);
  return artefactsRoute.POST(
    new Request(`${APP}/api/runs/${runId}/artefacts`, { method: 'POST', headers: auth(token), body: form }),
    ctx(runId),
  );
}

/** The dispatched workflow run: retrain.yml's steps, for real, while the runner under test polls the fake GitHub. */
async function runWorkflow(run: FakeRun): Promise<Record<string, Uint8Array>> {
  run.status = 'in_progress';
  const workspace = path.join(tmp, `workspace-${run.inputs.run_id}`);
  try {
    const steps = await runRetrainWorkflow(run.inputs, workspace);
    expect(steps.map((st) => st.name)).toEqual([
      'Mask the run token',
      'Download the manifest and the training files',
      'Train',
      'Upload the artefacts to TumorWatch',
    ]);
    expect(steps[1].stdout).toMatch(/: 3 training cases, 15 files/);
    expect(JSON.parse(steps[3].stdout)).toMatchObject({ name: 'tumorwatch-seg', version: expect.stringMatching(/^0\.1\.0-run\./) });
    Object.assign(run, { status: 'completed', conclusion: 'success' });
  } catch (err) {
    Object.assign(run, { status: 'completed', conclusion: 'failure' });
    throw err;
  }
  const read = (f: string) => new Uint8Array(fs.readFileSync(path.join(workspace, 'work', f)));
  return { 'model.onnx': read('out/model.onnx'), 'model-card.json': read('out/model-card.json'), 'train.log': read('train.log') };
}

describe('GITHUB_ACTIONS runner', () => {
  let uploaded: Promise<Record<string, Uint8Array>>;
  let trainedRun: string;

  it('dispatches retrain.yml, follows the run, and registers the uploaded model', async () => {
    gh.onDispatch = (run) => (uploaded = runWorkflow(run));
    const { runId } = await startTrainingRun(ml, { runner: 'GITHUB_ACTIONS', init: 'scratch', config: 'tiny' });
    trainedRun = runId;
    const outcome = await executeTrainingRun({ payload: { runId }, signal: new AbortController().signal });
    await uploaded;
    expect(outcome).toEqual({ status: 'FINISHED' });
    const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId }, include: { resultModel: true } });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.externalUrl).toBe(gh.runs[0].html_url);
    expect(run.resultModel).toMatchObject({ stage: 'CANDIDATE', snapshotId: run.snapshotId, trainingRunId: runId });
    expect(run.uploadTokenUsedAt).not.toBeNull();
    expect(run.uploadTokenHash).not.toContain(gh.runs[0].inputs.token); // only the hash is stored
    expect(run.logTail).toContain('"type": "done"');
    expect(await db().job.count({ where: { idempotencyKey: `evaluation.run:${run.resultModel!.id}` } })).toBe(1);
    const dispatch = gh.requests.find((r) => r.method === 'POST' && r.path.endsWith('/dispatches'))!;
    expect(dispatch.body).toEqual({
      ref: 'main',
      inputs: {
        run_id: runId,
        manifest_url: `${APP}/api/runs/${runId}/manifest`,
        upload_url: `${APP}/api/runs/${runId}/artefacts`,
        token: expect.stringMatching(/^twr_/),
      },
    });
  }, 240_000);

  it('refuses a reused token: the upload is single use', async () => {
    const files = await uploaded;
    const res = await upload(trainedRun, gh.runs[0].inputs.token, files);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'This run token has already been used.' } });
    expect((await getManifest(trainedRun, gh.runs[0].inputs.token)).status).toBe(403);
  });

  describe('a run whose workflow is still going', () => {
    let runId: string;
    let token: string;
    let done: Promise<unknown>;

    beforeAll(async () => {
      gh.onDispatch = () => undefined; // stays queued until cancelled
      ({ runId } = await startTrainingRun(ml, { runner: 'GITHUB_ACTIONS', init: 'scratch', config: 'tiny' }));
      done = executeTrainingRun({ payload: { runId }, signal: new AbortController().signal });
      for (let i = 0; i < 100 && gh.runs.length < 2; i++) await sleep(50);
      token = gh.runs[1].inputs.token;
    });

    it('refuses a wrong token, and a token of another run', async () => {
      const wrong = await upload(runId, 'twr_not-the-token', { 'model.onnx': new Uint8Array([1]) });
      expect(wrong.status).toBe(401);
      expect((await wrong.json()).error.message).toBe('This token is not valid for this run.');
      expect((await upload(trainedRun, token, { 'model.onnx': new Uint8Array([1]) })).status).toBe(401);
      const noAuth = await artefactsRoute.POST(new Request(`${APP}/api/runs/${runId}/artefacts`, { method: 'POST' }), ctx(runId));
      expect(noAuth.status).toBe(401);
    });

    it('serves only the files of the training split, not the hold-out cases in the same snapshot', async () => {
      const body = (await (await getManifest(runId, token)).json()) as { downloads: { sha256: string; url: string }[] };
      expect(body.downloads).toHaveLength(15);
      expect(body.downloads.some((d) => d.sha256 === drifterSha)).toBe(false);
      const res = await getFile(`${APP}/api/runs/${runId}/files/${drifterSha}`, token);
      expect(res.status).toBe(404);
    });

    it('refuses an incomplete upload without using the token up', async () => {
      const res = await upload(runId, token, { 'metrics.json': new TextEncoder().encode('{}') });
      expect(res.status).toBe(400);
      expect((await db().workflowRun.findUniqueOrThrow({ where: { id: runId } })).uploadTokenUsedAt).toBeNull();
    });

    it('refuses an expired token', async () => {
      await db().workflowRun.update({ where: { id: runId }, data: { uploadTokenExpiresAt: new Date(Date.now() - 1000) } });
      const res = await upload(runId, token, { 'model.onnx': new Uint8Array([1]), 'model-card.json': new TextEncoder().encode('{}') });
      expect(res.status).toBe(401);
      expect((await res.json()).error.message).toBe('This run token has expired.');
      expect((await getManifest(runId, token)).status).toBe(401);
    });

    it('cancelling the run cancels the GitHub workflow run', async () => {
      await cancelRun(ml, runId);
      expect(await done).toEqual({ status: 'CANCELLED' });
      expect(gh.runs[1]).toMatchObject({ cancelRequested: true, conclusion: 'cancelled' });
      expect(
        gh.requests.some((r) => r.method === 'POST' && r.path === `/repos/${REPO.repository}/actions/runs/${gh.runs[1].id}/cancel`),
      ).toBe(true);
      expect((await db().workflowRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe('CANCELLED');
    });
  });

  it('a worker that lets go of a run (stop, timeout) leaves it RUNNING; the next attempt follows the same workflow run', async () => {
    gh.onDispatch = () => undefined;
    const { runId } = await startTrainingRun(ml, { runner: 'GITHUB_ACTIONS', init: 'scratch', config: 'tiny' });
    const abort = new AbortController();
    const first = executeTrainingRun({ payload: { runId }, signal: abort.signal });
    for (let i = 0; i < 100 && !gh.runs.some((r) => r.inputs.run_id === runId); i++) await sleep(50);
    const dispatched = gh.runs.filter((r) => r.inputs.run_id === runId);
    expect(dispatched).toHaveLength(1);
    abort.abort(new Error('the worker is stopping'));
    await expect(first).rejects.toThrow(/detached from run .*: the worker is stopping/);
    expect((await db().workflowRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe('RUNNING');

    setTimeout(() => Object.assign(dispatched[0], { status: 'completed', conclusion: 'failure' }), 200);
    expect(await executeTrainingRun({ payload: { runId }, signal: new AbortController().signal })).toEqual({ status: 'FAILED' });
    expect(gh.runs.filter((r) => r.inputs.run_id === runId)).toHaveLength(1); // not dispatched twice
    const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.error).toMatch(/ended "failure" without uploading/);
    expect(run.logTail).toContain('resuming: following the workflow run dispatched earlier');
  });

  it('rides out GitHub errors, then fails a workflow that ended without uploading, with a link to it', async () => {
    gh.failReads = 3;
    gh.onDispatch = (run) => setTimeout(() => Object.assign(run, { status: 'completed', conclusion: 'failure' }), 100);
    const { runId } = await startTrainingRun(ml, { runner: 'GITHUB_ACTIONS', init: 'scratch', config: 'tiny' });
    expect(await executeTrainingRun({ payload: { runId }, signal: new AbortController().signal })).toEqual({ status: 'FAILED' });
    const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.error).toBe(`The GitHub run ended "failure" without uploading artefacts (${gh.runs.at(-1)!.html_url}).`);
    expect(run.logTail.match(/GitHub status check failed \(will retry\): GitHub GET .* answered 502: Server Error/g)).toHaveLength(3);
  });
});
