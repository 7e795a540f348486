/**
 * Fixtures for e2e/uploads-bounded.spec.ts, written into the e2e database (run with the e2e environment):
 *   tsx --conditions=react-server tests/http/e2e-upload-fixtures.ts
 * API tokens for a physician (case:ingest) and a radiologist (label:edit), a finished GitHub Actions run that still
 * holds a live artefact-upload token (the route checks the token before it reads the body), and one small synthetic
 * case on disk for the valid uploads, and the limits the server applies (same environment). Then it waits until the server's inline worker has no job left, so that what the
 * spec measures of the server's memory is the uploads alone. Prints the fixtures as JSON on its last line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { db, disconnectDb } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { createApiToken } from '@/lib/server/auth/tokens';
import { issueRunToken } from '@/lib/server/workflows/run-token';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { uploadLimits } from '@/lib/server/http/limits';
import { retryBusy } from '@/scripts/scenario/busy';

const FIELDS: Record<string, string> = { t1n: 't1n', t1c: 't1c', t2w: 't2w', t2f: 't2f', seg: 'mask' };

async function tokenFor(role: 'PHYSICIAN' | 'RADIOLOGIST') {
  const user = await db().user.findFirstOrThrow({ where: { role, active: true }, orderBy: { email: 'asc' } });
  return retryBusy(() => createApiToken(user.id, `e2e upload limits (${role.toLowerCase()})`));
}

async function runWithToken() {
  return retryBusy(() =>
    db().$transaction(async (tx) => {
      const run = await tx.workflowRun.create({
        data: {
          kind: 'TRAINING',
          runner: 'GITHUB_ACTIONS',
          status: 'CANCELLED',
          params: {},
          error: 'e2e fixture: upload limits',
          finishedAt: new Date(),
        },
      });
      const { token } = await issueRunToken(tx, run.id);
      return { runId: run.id, runToken: token };
    }),
  );
}

async function smallCase() {
  const out = path.resolve(path.dirname(env().BLOB_ROOT), 'e2e-upload-limits');
  const { cases } = await generateCohort({ domain: 'A', n: 1, seed: '17', out, grid: { dims: [96, 96, 64], spacing: [2, 2, 2.5] } });
  const dir = path.join(out, cases[0].caseId);
  const files = fs
    .readdirSync(dir)
    .map((name) => ({ name, suffix: name.match(/-([a-z0-9]+)\.nii(\.gz)?$/)?.[1] ?? '' }))
    .filter((f) => f.suffix in FIELDS)
    .map((f) => ({ field: FIELDS[f.suffix], filename: f.name, path: path.join(dir, f.name) }));
  return { files };
}

async function waitForIdleWorker(timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const busy = await db().job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] }, runAt: { lte: new Date() } } });
    if (busy === 0) return;
    if (Date.now() > until) throw new Error(`the e2e server still has ${busy} jobs to run`);
    await sleep(500);
  }
}

async function main() {
  const fixtures = {
    physicianToken: await tokenFor('PHYSICIAN'),
    radiologistToken: await tokenFor('RADIOLOGIST'),
    ...(await runWithToken()),
    case: await smallCase(),
    existingCaseId: (await db().case.findFirstOrThrow({ orderBy: { createdAt: 'asc' } })).id,
    limits: { case: uploadLimits('case'), label: uploadLimits('label'), artefacts: uploadLimits('artefacts') },
  };
  await waitForIdleWorker(240_000);
  console.log(JSON.stringify(fixtures));
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
