import 'server-only';
import { db, type Db, type Tx } from '../db';
import { AppError } from '../errors';
import { assertTransition, type Stage, type Step } from './transitions';
import { enqueueMirror } from '../mlflow/outbox';

/**
 * Stage writes are compare-and-set (`where stage = from`): two engineers clicking at once, or a canary rollback racing
 * a promotion, cannot both win; the loser gets CONFLICT and nothing of its transaction commits.
 */
export async function changeStage(tx: Tx, modelVersionId: string, step: Step, from: string): Promise<string> {
  const to = assertTransition(step, from);
  const res = await tx.modelVersion.updateMany({
    where: { id: modelVersionId, stage: from as Stage },
    data: { stage: to, stageChangedAt: new Date() },
  });
  if (res.count !== 1) throw new AppError('CONFLICT', 'The model changed stage meanwhile; reload and try again.');
  // every stage change (shadow, canary, promotion, reject, rollback, archive) moves the MLflow aliases, via the outbox
  await enqueueMirror(tx, {
    kind: 'model-stage',
    entityId: modelVersionId,
    key: `model-stage:${modelVersionId}:${from}->${to}:${Date.now()}`,
  });
  return to;
}

export async function findModel(client: Db | Tx, modelVersionId: string) {
  const m = await client.modelVersion.findUnique({ where: { id: modelVersionId } });
  if (!m) throw new AppError('NOT_FOUND', 'No such model version.');
  return m;
}

export async function currentProduction(client: Db | Tx = db()) {
  return client.modelVersion.findFirst({ where: { stage: 'PRODUCTION' }, orderBy: { stageChangedAt: 'desc' } });
}

export async function activeDeployments(client: Db | Tx, modelVersionId: string) {
  return client.deployment.findMany({ where: { modelVersionId, endedAt: null }, orderBy: { startedAt: 'desc' } });
}

/** Ends every open deployment of a model, keeping the figures it ended with. */
export async function endDeployments(tx: Tx, modelVersionId: string, endReason: string, stats?: object) {
  const open = await activeDeployments(tx, modelVersionId);
  for (const d of open) {
    await tx.deployment.update({ where: { id: d.id }, data: { endedAt: new Date(), endReason, ...(stats ? { stats } : {}) } });
  }
  return open;
}
