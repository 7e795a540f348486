/**
 * Helpers for e2e/editor-safety.spec.ts. Playwright side: `approvedLabel()` gives a case an approved label through the
 * server's own review code (author and second reader are the two demo radiologists); `labelInAir()` counts labelled
 * voxels of the stored head where every image volume is zero. Script side (`tsx --conditions=react-server
 * e2e/helpers/editor-safety.ts approve|air <caseId>`): runs with the e2e environment, like helpers/editor.ts.
 */
import { execFileSync } from 'node:child_process';
import { E2E_ENV } from '../../playwright.config';
import { DEMO_USERS } from '../../prisma/demo-users';

function runScript(args: string[]): string {
  return execFileSync('npx', ['tsx', '--conditions=react-server', __filename, ...args], {
    env: { ...process.env, ...E2E_ENV },
    encoding: 'utf8',
  });
}

const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').at(-1)!) as T;

export interface ApprovedLabel {
  number: number;
  reviewerName: string;
}

export function approvedLabel(caseId: string): ApprovedLabel {
  return lastJson<ApprovedLabel>(runScript(['approve', caseId]));
}

/** Labelled voxels of the head version, and how many of them lie where all four sequences are zero (air). */
export function labelInAir(caseId: string): { labelled: number; inAir: number } {
  return lastJson(runScript(['air', caseId]));
}

// ---- script side -------------------------------------------------------------------------------------------------

async function actorFor(emailPrefix: string) {
  const { db } = await import('../../lib/server/db');
  const demo = DEMO_USERS.find((u) => u.email.startsWith(emailPrefix))!;
  const u = await db().user.findUniqueOrThrow({ where: { email: demo.email } });
  return { kind: 'user' as const, id: u.id, email: u.email, name: u.name, role: u.role };
}

/** Radiologist 1 saves the prediction with one extra NCR line as v2 and submits it; radiologist 2 approves it. */
async function approve(caseId: string) {
  const { db, disconnectDb } = await import('../../lib/server/db');
  const labels = await import('../../lib/server/labels');
  const { loadCaseGrid } = await import('../../lib/server/labels/grid');
  const { shownPrediction, readPredictionMask } = await import('../../lib/server/labels/store');
  const grid = await loadCaseGrid(db(), caseId);
  const mask = await readPredictionMask((await shownPrediction(db(), caseId))!, grid);
  const [nx, ny] = grid.dims;
  const z = Math.floor(grid.dims[2] / 2);
  for (let x = 100; x < 140; x++) mask[x + 120 * nx + z * nx * ny] = 1;
  const [author, reader] = [await actorFor('radiologist@'), await actorFor('radiologist2@')];
  const v = await labels.saveLabelVersion({ actor: author, caseId, parentVersionId: null, mask, source: 'EDIT', message: 'e2e' });
  await labels.submitForReview({ actor: author, caseId, versionId: v.id });
  await labels.approveLabel({ actor: reader, caseId, versionId: v.id });
  await disconnectDb();
  console.log(JSON.stringify({ number: v.number, reviewerName: reader.name } satisfies ApprovedLabel));
}

async function air(caseId: string) {
  const { db, disconnectDb } = await import('../../lib/server/db');
  const { blobs } = await import('../../lib/server/blobs');
  const { readNifti } = await import('../../lib/server/imaging/nifti');
  const { getLabelState, readLabelVersionMask } = await import('../../lib/server/labels');
  const state = await getLabelState({ kind: 'system' }, caseId);
  const head = state.versions.find((v) => v.isHead)!;
  const mask = await readLabelVersionMask(caseId, head.id);
  const volumes = await db().volume.findMany({ where: { caseId } });
  const images = await Promise.all(volumes.map(async (v) => readNifti(await blobs().get(v.blobKey)).data));
  let labelled = 0,
    inAir = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    labelled++;
    if (images.every((d) => d[i] === 0)) inAir++;
  }
  await disconnectDb();
  console.log(JSON.stringify({ labelled, inAir }));
}

if (require.main === module) {
  const [cmd, arg] = process.argv.slice(2);
  (cmd === 'approve'
    ? approve(arg)
    : cmd === 'air'
      ? air(arg)
      : Promise.reject(new Error('usage: editor-safety.ts approve|air <caseId>'))
  ).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
