/**
 * The ML engineer's dataset work, through lib/server/datasets: the internal hold-out is filled and locked, domain-A
 * cases join the training set, and the approved second-site drifters are split between training and the drifter
 * hold-out with the product's seeded, site-stratified split (the one the retraining trigger uses).
 */
import { db } from '../../lib/server/db';
import { addCasesToDataset, lockDataset } from '../../lib/server/datasets/members';
import { splitHoldout } from '../../lib/server/datasets/split';
import type { DemoCast } from './cast';
import { PLAN } from './plan';

async function datasetOf(kind: 'TRAIN' | 'HOLDOUT_INTERNAL' | 'DRIFTER') {
  const d = await db().dataset.findFirst({ where: { kind }, orderBy: { createdAt: 'asc' } });
  if (!d) throw new Error(`no ${kind} dataset: the history is seeded after the default datasets`);
  return d;
}

export async function lockInternalHoldout(cast: DemoCast, caseIds: string[]) {
  const holdout = await datasetOf('HOLDOUT_INTERNAL');
  if (holdout.locked) return; // locked by an earlier seed: its membership is frozen
  await addCasesToDataset(cast.mlEngineer, { datasetId: holdout.id, caseIds });
  await lockDataset(cast.mlEngineer, holdout.id);
}

export async function addToTraining(cast: DemoCast, caseIds: string[]) {
  await addCasesToDataset(cast.mlEngineer, { datasetId: (await datasetOf('TRAIN')).id, caseIds });
}

/** Places the approved drifters; returns how many went to each side. */
export async function placeDrifters(cast: DemoCast, caseIds: string[]): Promise<{ train: number; holdout: number }> {
  const rows = await db().case.findMany({ where: { id: { in: caseIds } }, select: { id: true, externalId: true, site: true } });
  const split = splitHoldout(
    rows.map((c) => ({ caseId: c.id, key: c.externalId, site: c.site })),
    PLAN.drifterHoldoutFraction,
    PLAN.splitSeed,
  );
  await addCasesToDataset(cast.mlEngineer, { datasetId: (await datasetOf('TRAIN')).id, caseIds: split.train });
  if (split.holdout.length)
    await addCasesToDataset(cast.mlEngineer, { datasetId: (await datasetOf('DRIFTER')).id, caseIds: split.holdout });
  return { train: split.train.length, holdout: split.holdout.length };
}
