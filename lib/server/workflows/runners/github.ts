import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import { db } from '../../db';
import { env } from '../../env';
import { issueRunToken } from '../run-token';
import { GithubActionsApi, githubConfigFromEnv, type GithubRun } from '../github-api';
import type { Runner, RunnerContext, RunnerOutcome } from '../runner';

/** How long a dispatched workflow may take to show up in the runs list before the run is given up. */
const APPEAR_TIMEOUT_MS = 10 * 60_000;
/** After GitHub reports the run completed, how long to wait for its upload to land (it is the workflow's last step). */
const UPLOAD_GRACE_MS = 60_000;
/** Status checks failing for this long (network, GitHub outage) give the run up. */
const UNREACHABLE_MS = 15 * 60_000;

/** The workflow's run-name carries this (`retrain tw-run-<id>`), which is how the dispatched run is found. */
export const runMarker = (runId: string) => `tw-run-${runId}`;

/**
 * GITHUB_ACTIONS: dispatches .github/workflows/retrain.yml with this run's id, its manifest URL, the artefact upload
 * URL and a one-time token, then follows the workflow run until it completes. The artefacts arrive through
 * POST /api/runs/[runId]/artefacts, which registers the model and finishes the run; this side only notices that.
 */
export const githubRunner: Runner = {
  kind: 'GITHUB_ACTIONS',
  async execute(ctx) {
    const api = new GithubActionsApi(githubConfigFromEnv());
    const run = await db().workflowRun.findUniqueOrThrow({ where: { id: ctx.runId }, select: { uploadTokenHash: true } });
    // A token exists once dispatched: a resumed attempt follows that workflow run instead of starting a second one.
    if (!ctx.resumed || !run.uploadTokenHash) await dispatch(ctx, api);
    else ctx.reporter.log('resuming: following the workflow run dispatched earlier');
    return follow(ctx, api);
  },
};

async function dispatch(ctx: RunnerContext, api: GithubActionsApi): Promise<void> {
  const { token } = await db().$transaction((tx) => issueRunToken(tx, ctx.runId));
  const base = `${env().NEXTAUTH_URL.replace(/\/+$/, '')}/api/runs/${ctx.runId}`;
  await api.dispatch({ run_id: ctx.runId, manifest_url: `${base}/manifest`, upload_url: `${base}/artefacts`, token });
  ctx.reporter.log(`dispatched ${githubConfigFromEnv().workflowFile} on ${githubConfigFromEnv().repository}`);
  ctx.reporter.progress(0.02);
}

async function follow(ctx: RunnerContext, api: GithubActionsApi): Promise<RunnerOutcome> {
  const pollMs = env().GITHUB_POLL_MS;
  const startedFollowing = Date.now();
  let gh: GithubRun | null = null;
  let completedAt: number | null = null;
  let lastStatus = '';
  let lastContact = Date.now();
  for (;;) {
    await ctx.reporter.flush();
    const row = await db().workflowRun.findUniqueOrThrow({ where: { id: ctx.runId }, select: { status: true } });
    if (row.status === 'CANCELLED') {
      if (gh) await api.cancelRun(gh.id).catch((err) => ctx.reporter.log(`could not cancel the GitHub run: ${err.message}`));
      return { status: 'CANCELLED' };
    }
    if (row.status !== 'RUNNING') return { status: 'FINISHED' };
    // The workflow run carries on without us: the next attempt of this job resumes following it.
    if (ctx.signal.aborted) return { status: 'DETACHED', reason: String((ctx.signal.reason as Error)?.message ?? ctx.signal.reason) };

    try {
      gh = gh ? await api.getRun(gh.id) : await api.findRun(runMarker(ctx.runId), ctx.startedAt);
      lastContact = Date.now();
    } catch (err) {
      // GitHub or the network having a bad minute must not fail a training that is going fine.
      const message = err instanceof Error ? err.message : String(err);
      ctx.reporter.log(`GitHub status check failed (will retry): ${message}`);
      if (Date.now() - lastContact > UNREACHABLE_MS)
        return { status: 'FAILED', error: `GitHub unreachable for ${UNREACHABLE_MS / 60_000} minutes: ${message}` };
      await sleep(pollMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      continue;
    }
    if (!gh) {
      if (Date.now() - startedFollowing > APPEAR_TIMEOUT_MS)
        return { status: 'FAILED', error: 'GitHub never started the dispatched workflow run.' };
    } else {
      if (lastStatus === '') await db().workflowRun.update({ where: { id: ctx.runId }, data: { externalUrl: gh.htmlUrl } });
      if (gh.status !== lastStatus) {
        ctx.reporter.log(`GitHub run ${gh.id}: ${gh.status}${gh.conclusion ? ` (${gh.conclusion})` : ''} ${gh.htmlUrl}`);
        ctx.reporter.progress(gh.status === 'completed' ? 0.95 : gh.status === 'in_progress' ? 0.1 : 0.05);
        lastStatus = gh.status;
      }
      if (gh.status === 'completed') {
        completedAt ??= Date.now();
        if (gh.conclusion !== 'success' || Date.now() - completedAt > UPLOAD_GRACE_MS) {
          return { status: 'FAILED', error: `The GitHub run ended "${gh.conclusion}" without uploading artefacts (${gh.htmlUrl}).` };
        }
      }
    }
    await sleep(pollMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
}
