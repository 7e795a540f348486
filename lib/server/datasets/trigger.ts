import 'server-only';
import { db, isUniqueViolation, type Db, type Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { isAppError } from '../errors';
import { SYSTEM } from '../auth/actor';
import { addCasesToDataset } from './members';
import { getRetrainSettings } from './settings';
import { splitHoldout } from './split';
import { createTrainingRunInTx, snapshotCurrentTrainingData } from '../workflows/start';
import { productionModel } from '../workflows/parent';

/**
 * Cases waiting for the next retraining: an approved ground truth, a reason to learn from them (a drift check on the
 * prediction clinicians were shown marked the case a drifter, as in the review queue; or a physician flagged its
 * prediction), and not yet placed in any dataset. Placing
 * them (training set or drifter hold-out) is what consumes them, so "since the last training run" needs no clock.
 */
const PENDING_WHERE = {
  label: { is: { status: 'APPROVED' as const, headVersionId: { not: null } } },
  OR: [{ flags: { some: {} } }, { driftReports: { some: { isDrifter: true, prediction: { returned: true } } } }],
  datasetMembers: { none: {} },
};

export interface RetrainProgressDto {
  pending: number;
  n: number;
}

export async function getRetrainProgress(client: Db | Tx = db()): Promise<RetrainProgressDto> {
  const [pending, settings] = await Promise.all([client.case.count({ where: PENDING_WHERE }), getRetrainSettings(client)]);
  return { pending, n: settings.n };
}

export type TriggerResult =
  | { triggered: false; pending: number; n: number; reason: 'below-threshold' | 'concurrent' | 'error'; error?: string }
  | { triggered: true; pending: number; n: number; snapshotId: string; runId: string; train: number; holdout: number };

/**
 * Call after every label approval. When N pending cases have accumulated, in ONE transaction: split them (seeded,
 * stratified by site) between the training set and the drifter hold-out, snapshot the training data (earlier
 * training cases kept, locked hold-outs never read), and queue a training run from the production model.
 * Idempotent and race-safe: the cases it places stop being pending, and two concurrent triggers collide on the
 * DatasetMember unique key, so the loser rolls back entirely. It never throws: an approval must not fail because
 * retraining could not start; the reason is returned (and logged).
 */
export async function checkRetrainingTrigger(): Promise<TriggerResult> {
  try {
    return await db().$transaction(trigger, { timeout: 120_000, maxWait: 30_000 });
  } catch (err) {
    const progress = await getRetrainProgress().catch(() => ({ pending: -1, n: -1 }));
    if (isUniqueViolation(err) || err instanceof PlacedMeanwhile) return { triggered: false, ...progress, reason: 'concurrent' };
    if (isAppError(err)) console.warn(`[retrain] not started: ${err.userMessage}`);
    else console.error('[retrain] trigger failed', err);
    return { triggered: false, ...progress, reason: 'error', error: err instanceof Error ? err.message : String(err) };
  }
}

/** Another trigger placed some of these cases first (it committed while this one waited for the dataset row). */
class PlacedMeanwhile extends Error {}

async function trigger(tx: Tx): Promise<TriggerResult> {
  const settings = await getRetrainSettings(tx);
  const pending = await tx.case.findMany({ where: PENDING_WHERE, select: { id: true, externalId: true, site: true } });
  if (pending.length < settings.n) return { triggered: false, pending: pending.length, n: settings.n, reason: 'below-threshold' };

  const trainSet = await ensureDataset(tx, 'TRAIN', 'train');
  const drifterSet = await ensureDataset(tx, 'DRIFTER', 'drifter-holdout');
  const split = splitHoldout(
    pending.map((c) => ({ caseId: c.id, key: c.externalId, site: c.site })),
    settings.holdoutFraction,
    settings.seed,
  );
  // every pending case must be placed by this trigger: a concurrent one that got there first means it already ran
  const placed = await addCasesToDataset(SYSTEM, { datasetId: trainSet.id, caseIds: split.train }, tx);
  const held = split.holdout.length
    ? await addCasesToDataset(SYSTEM, { datasetId: drifterSet.id, caseIds: split.holdout }, tx)
    : { added: 0 };
  if (placed.added !== split.train.length || held.added !== split.holdout.length) throw new PlacedMeanwhile();

  const snapshotId = await snapshotCurrentTrainingData(tx, SYSTEM, 'retrain');
  const parent = await productionModel(tx);
  const run = await createTrainingRunInTx(tx, SYSTEM, {
    snapshotId,
    parent,
    runner: settings.runner,
    config: settings.config,
    epochs: settings.epochs,
    trigger: 'AUTO',
  });
  await recordAudit(tx, {
    actor: SYSTEM,
    action: AUDIT.retrainTrigger,
    entityId: run.runId,
    data: {
      pending: pending.length,
      n: settings.n,
      train: split.train.length,
      holdout: split.holdout.length,
      snapshotId,
      parentModelId: parent?.id ?? null,
    },
  });
  return {
    triggered: true,
    pending: pending.length,
    n: settings.n,
    snapshotId,
    runId: run.runId,
    train: split.train.length,
    holdout: split.holdout.length,
  };
}

/** The trigger needs a training set and an unlocked drifter hold-out; a fresh installation may not have them yet. */
async function ensureDataset(tx: Tx, kind: 'TRAIN' | 'DRIFTER', name: string) {
  const found = await tx.dataset.findFirst({ where: { kind, locked: false }, orderBy: { createdAt: 'asc' } });
  if (found) return found;
  const created = await tx.dataset.create({ data: { name, kind, description: 'Created by the retraining trigger.' } });
  await recordAudit(tx, { actor: SYSTEM, action: AUDIT.datasetCreate, entityId: created.id, data: { kind } });
  return created;
}
