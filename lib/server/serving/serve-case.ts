import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { WORKER } from '../auth/actor';
import { writeNiftiMask } from '../imaging/nifti';
import { segment, type SegmentResult } from '../inference';
import { loadCaseVolumes, type CaseVolumes } from './case-volumes';
import { loadRegisteredModel } from './models';
import { servingPlan, type ServingTarget } from './routing';
import { afterPredictionStored } from './hooks';
import { showOnly } from './shown';
import { stageClock, type StageClock, type StoredTimings } from './stage-timings';

export interface ServeCaseResult {
  caseId: string;
  predictions: { role: string; modelVersionId: string; predictionId: string; created: boolean }[];
}

/**
 * The serving job: every model in the serving plan segments the case; each result is stored exactly once per
 * (case, model version, role) — a retried job skips what a crashed attempt already stored — and then the drift,
 * shadow and canary hooks run for it. Runs at least once per case, so every step is idempotent.
 * What clinicians see comes first and cannot be broken by the rest: production runs first and its failure fails the
 * job (retried); a failing canary or shadow model is recorded and skipped, and production answers instead of a
 * failed canary. The shown mask is settled last, so a retry under a changed plan still shows exactly one.
 */
export async function serveCase(caseId: string, signal?: AbortSignal, queuedAt?: Date): Promise<ServeCaseResult> {
  const plan = await servingPlan(caseId);
  if (plan.length === 0) {
    console.warn(`[serving] no PRODUCTION model registered: case ${caseId} waits for the first one (registerModelVersion serves it)`);
    return { caseId, predictions: [] };
  }
  await db().case.update({ where: { id: caseId }, data: { status: 'PROCESSING' } });
  const cache: VolumeCache = {};
  const predictions: ServeCaseResult['predictions'] = [];
  try {
    for (const target of clinicalFirst(plan)) {
      signal?.throwIfAborted();
      try {
        predictions.push(await serveTarget(caseId, target, cache, stageClock(queuedAt)));
      } catch (e) {
        if (target.role === 'PRODUCTION' || signal?.aborted) throw e;
        await recordServingFailure(caseId, target, e);
      }
    }
    const served = (t: ServingTarget) => predictions.find((p) => p.role === t.role && p.modelVersionId === t.modelVersionId);
    const answer = served(plan.find((t) => t.returned)!) ?? served(plan.find((t) => t.role === 'PRODUCTION')!)!;
    await showOnly(caseId, answer.predictionId);
    await db().case.update({ where: { id: caseId }, data: { status: 'PREDICTED' } });
  } catch (e) {
    await db()
      .case.update({ where: { id: caseId }, data: { status: 'FAILED' } })
      .catch(() => undefined);
    throw e;
  }
  return { caseId, predictions };
}

/** Production, then the canary, then shadow models (the plan lists deployments by start time). */
function clinicalFirst(plan: ServingTarget[]): ServingTarget[] {
  const rank = { PRODUCTION: 0, CANARY: 1, SHADOW: 2 } as const;
  return [...plan].sort((a, b) => rank[a.role] - rank[b.role]);
}

/** The case's volumes, read once and only when a model has to segment them (the hooks read them if they need to). */
type VolumeCache = { volumes?: CaseVolumes };

async function serveTarget(caseId: string, target: ServingTarget, cache: VolumeCache, clock: StageClock) {
  const existing = await db().prediction.findUnique({
    where: { caseId_modelVersionId_role: { caseId, modelVersionId: target.modelVersionId, role: target.role } },
  });
  let stored: { id: string; timingsMs: StoredTimings } | null = null;
  if (!existing) {
    cache.volumes ??= await clock.time('read', () => loadCaseVolumes(caseId));
    stored = await predictAndStore(caseId, target, cache.volumes, clock);
  }
  const predictionId = existing?.id ?? stored!.id;
  await clock.time('drift', () => afterPredictionStored(predictionId, caseId, target, cache.volumes));
  // the request-to-report breakdown of a prediction made by this attempt (a retry's skipped prediction keeps its own)
  if (stored) await db().prediction.update({ where: { id: stored.id }, data: { timingsMs: { ...stored.timingsMs, ...clock.summary() } } });
  return { role: target.role, modelVersionId: target.modelVersionId, predictionId, created: !existing };
}

/**
 * A canary or shadow model that failed on this case: one `ServingFailure` row per (case, model, role), which its
 * deployment report counts and the next promotion step refuses (a model that cannot answer every case must not answer
 * patients); a retry that fails again counts an attempt. The audit log records each attempt.
 */
async function recordServingFailure(caseId: string, target: ServingTarget, e: unknown): Promise<void> {
  const error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
  console.error(`[serving] ${target.role} model ${target.modelVersionId} failed on case ${caseId}: ${error}`);
  const key = { caseId, modelVersionId: target.modelVersionId, role: target.role };
  await db().$transaction(async (tx) => {
    const now = new Date();
    await tx.servingFailure.upsert({
      where: { caseId_modelVersionId_role: key },
      create: { ...key, returned: target.returned, error, firstFailedAt: now, lastFailedAt: now },
      update: { returned: target.returned, error, attempts: { increment: 1 }, lastFailedAt: now },
    });
    await recordAudit(tx, {
      actor: WORKER,
      action: AUDIT.predictionFailed,
      entityId: target.modelVersionId,
      data: { caseId, role: target.role, returned: target.returned, error },
    });
  });
}

async function predictAndStore(
  caseId: string,
  target: ServingTarget,
  volumes: CaseVolumes,
  clock: StageClock,
): Promise<{ id: string; timingsMs: StoredTimings }> {
  const model = await loadRegisteredModel(target.modelVersionId);
  const result = await segment({ model, volumes });
  clock.segmented(result.timingsMs);
  const mask = await clock.time('writes', () => blobs().put(writeNiftiMask(result.mask, volumes.T1N)));
  const id = await clock.time('writes', () => storePrediction(caseId, target, result, mask));
  return { id, timingsMs: result.timingsMs };
}

function storePrediction(caseId: string, target: ServingTarget, result: SegmentResult, mask: { key: string; sha256: string }) {
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
      action: AUDIT.predictionCreate,
      entityId: p.id,
      data: {
        caseId,
        role: target.role,
        returned: target.returned,
        model: `${result.model.name}@${result.model.version}`,
        volumesMl: result.volumesMl,
      },
    });
    return p.id;
  });
}
