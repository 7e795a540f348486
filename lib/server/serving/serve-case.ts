import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { recordAudit } from '../audit';
import { WORKER } from '../auth/actor';
import { writeNiftiMask } from '../imaging/nifti';
import { segment } from '../inference';
import { loadCaseVolumes, type CaseVolumes } from './case-volumes';
import { loadRegisteredModel } from './models';
import { servingPlan, type ServingTarget } from './routing';
import { afterPredictionStored } from './hooks';

export interface ServeCaseResult {
  caseId: string;
  predictions: { role: string; modelVersionId: string; predictionId: string; created: boolean }[];
}

/**
 * The serving job: every model in the serving plan segments the case; each result is stored exactly once per
 * (case, model version, role) — a retried job skips what a crashed attempt already stored — and then the drift,
 * shadow and canary hooks run for it. Runs at least once per case, so every step is idempotent.
 */
export async function serveCase(caseId: string, signal?: AbortSignal): Promise<ServeCaseResult> {
  const plan = await servingPlan(caseId);
  if (plan.length === 0) {
    console.warn(`[serving] no PRODUCTION model registered: case ${caseId} waits`);
    return { caseId, predictions: [] };
  }
  await db().case.update({ where: { id: caseId }, data: { status: 'PROCESSING' } });
  let volumes: CaseVolumes | undefined;
  const predictions: ServeCaseResult['predictions'] = [];
  try {
    for (const target of plan) {
      signal?.throwIfAborted();
      const existing = await db().prediction.findUnique({
        where: { caseId_modelVersionId_role: { caseId, modelVersionId: target.modelVersionId, role: target.role } },
      });
      const predictionId = existing?.id ?? (await predictAndStore(caseId, target, (volumes ??= await loadCaseVolumes(caseId))));
      predictions.push({ role: target.role, modelVersionId: target.modelVersionId, predictionId, created: !existing });
      await afterPredictionStored(predictionId, caseId, target, volumes);
    }
    await db().case.update({ where: { id: caseId }, data: { status: 'PREDICTED' } });
  } catch (e) {
    await db().case.update({ where: { id: caseId }, data: { status: 'FAILED' } }).catch(() => undefined);
    throw e;
  }
  return { caseId, predictions };
}

async function predictAndStore(caseId: string, target: ServingTarget, volumes: CaseVolumes): Promise<string> {
  const model = await loadRegisteredModel(target.modelVersionId);
  const result = await segment({ model, volumes });
  const mask = await blobs().put(writeNiftiMask(result.mask, volumes.T1N));
  return db().$transaction(async (tx) => {
    // The unique (case, model, role) key makes a concurrent duplicate attempt fail here instead of storing twice.
    const p = await tx.prediction.create({
      data: {
        caseId,
        modelVersionId: target.modelVersionId,
        role: target.role,
        returned: target.returned,
        maskBlobKey: mask.key,
        maskSha256: mask.sha256,
        volumesMl: result.volumesMl as object,
        componentCounts: result.componentCounts as object,
        uncertainty: result.uncertainty,
        features: result.features,
        timingsMs: result.timingsMs as object,
        latencyMs: Math.round(result.timingsMs.total),
      },
    });
    await recordAudit(tx, {
      actor: WORKER,
      action: 'prediction.create',
      entityType: 'Prediction',
      entityId: p.id,
      data: { caseId, role: target.role, returned: target.returned, model: `${result.model.name}@${result.model.version}`, volumesMl: result.volumesMl as object },
    });
    return p.id;
  });
}
