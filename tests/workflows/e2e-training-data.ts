/**
 * Training data for e2e/runs.spec.ts, written into the e2e database (run with the e2e environment):
 *   tsx --conditions=react-server tests/workflows/e2e-training-data.ts
 * Three small synthetic cases go through the ingestion service; their ground truth (the -seg masks, stored as reference
 * masks) becomes APPROVED labels, as the labels service would record them, and they join the training set. Small
 * grids keep the e2e training run (config tiny) well under a minute. Idempotent.
 */
import path from 'node:path';
import { db, disconnectDb } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { env } from '@/lib/server/env';
import { ingestCase } from '@/lib/server/cases/ingest';
import { readCaseFolder } from '@/lib/server/cases/folder';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { addCasesToDataset } from '@/lib/server/datasets/members';
import { retryBusy } from '@/scripts/scenario/busy';
import { approveReferenceMask } from '../support/case-rows';

/** A retry after SQLITE_BUSY finds the label already there (approveReferenceMask is one transaction). */
async function approveGroundTruth(caseId: string, authorId: string) {
  if (await db().label.findUnique({ where: { caseId } })) return;
  await approveReferenceMask(caseId, authorId, authorId, 'e2e ground truth');
}

async function main() {
  const out = path.resolve(path.dirname(env().BLOB_ROOT), 'e2e-cohort');
  const { cases } = await generateCohort({ domain: 'E', n: 3, seed: '5', out, grid: { dims: [96, 96, 64], spacing: [2, 2, 2.5] } });
  const author = await db().user.findFirstOrThrow({ where: { role: 'RADIOLOGIST' }, orderBy: { email: 'asc' } });
  const train = await db().dataset.findUniqueOrThrow({ where: { name: 'train' } });
  const ids: string[] = [];
  for (const c of cases) {
    const folder = await readCaseFolder(path.join(out, c.caseId));
    // The e2e web server's worker writes the same SQLite file meanwhile: a write that meets its commit is retried.
    const { caseId } = await retryBusy(() => ingestCase(SYSTEM, folder.metadata, folder.files));
    await retryBusy(() => approveGroundTruth(caseId, author.id));
    ids.push(caseId);
  }
  await retryBusy(() => addCasesToDataset(SYSTEM, { datasetId: train.id, caseIds: ids }));
  console.log(`[e2e] ${ids.length} approved training cases in "train"`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
