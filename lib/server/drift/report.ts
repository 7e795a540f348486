import 'server-only';
/**
 * computeDriftReport: the per-case drift report written after every production inference. Reads the case's volume
 * rows (and, unless the caller passes the volumes it already decoded, the volume blobs), the prediction and its
 * model's card; runs every check; writes the DriftReport row and its audit event in one transaction. Idempotent
 * (upsert on the prediction), so a retried job rewrites the same row.
 */
import { db } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { WORKER, type Actor } from '../auth/actor';
import { readNifti } from '../imaging/nifti';
import { evaluateCase } from './checks';
import { imageStats, metadataStats, outputStats, spacingFromAffine, type DecodedVolume } from './case-stats';
import { cachedDriftReference } from './reference';
import { agnosticCaseStats } from './agnostic/case';
import { getDriftSettings } from './settings';
import { MODALITIES, type CheckResult, type Modality } from './types';
import { lesionCount } from './lesions';
import { lesionMinMl } from './checks/output';
import { BlobStoreError } from '../storage/types';

export interface ComputeDriftReportInput {
  caseId: string;
  predictionId: string;
  /** volumes the caller (the inference job) already decoded, by modality: saves reading and inflating them again */
  volumes?: Partial<Record<Modality, DecodedVolume>>;
  /** the predicted label mask on the case grid (e.g. SegmentResult.mask): saves reading the mask blob */
  mask?: ArrayLike<number>;
  actor?: Actor;
}

export interface DriftReportDto {
  id: string;
  caseId: string;
  predictionId: string;
  score: number;
  isDrifter: boolean;
  reasons: string[];
  checks: CheckResult[];
  /** readMs: loading and decoding volumes (0 when passed in); checkMs: statistics and checks; ttaMs: the flip inferences (0 unless calibrated) */
  timingsMs: { readMs: number; checkMs: number; ttaMs: number };
  createdAt: string;
}

/** The predicted mask (for the lesion count), from the caller or the prediction's blob; null if the blob is gone. */
async function predictedMask(input: ComputeDriftReportInput, maskBlobKey: string): Promise<ArrayLike<number> | null> {
  if (input.mask) return input.mask;
  try {
    return readNifti(await blobs().get(maskBlobKey)).data;
  } catch (e) {
    if (e instanceof BlobStoreError && e.code === 'BLOB_NOT_FOUND') return null;
    throw e;
  }
}

async function decodeVolumes(rows: { modality: string; blobKey: string }[]): Promise<Partial<Record<Modality, DecodedVolume>>> {
  const out: Partial<Record<Modality, DecodedVolume>> = {};
  await Promise.all(
    rows
      .filter((r) => (MODALITIES as readonly string[]).includes(r.modality))
      .map(async (r) => {
        out[r.modality as Modality] = readNifti(await blobs().get(r.blobKey));
      }),
  );
  return out;
}

const voxelMl = (affine: number[]) => spacingFromAffine(affine).reduce((a, b) => a * b, 1) / 1000;

export async function computeDriftReport(input: ComputeDriftReportInput): Promise<DriftReportDto> {
  const prediction = await db().prediction.findUnique({
    where: { id: input.predictionId },
    include: {
      modelVersion: {
        select: { id: true, card: true, calibrations: { orderBy: { createdAt: 'desc' }, take: 1, select: { id: true, reference: true } } },
      },
      case: { include: { volumes: true } },
    },
  });
  if (!prediction || prediction.caseId !== input.caseId) throw new AppError('NOT_FOUND', 'Prediction not found for this case.');
  const mv = prediction.modelVersion;
  const ref = cachedDriftReference(mv.id, mv.card, mv.calibrations[0] ?? null);
  const settings = await getDriftSettings();

  const t0 = performance.now();
  const volumes = input.volumes ?? (await decodeVolumes(prediction.case.volumes));
  const mask = await predictedMask(input, prediction.maskBlobKey);
  const t1 = performance.now();
  const meta = metadataStats(prediction.case, prediction.case.volumes);
  const output = outputStats(prediction);
  const grid = Object.values(volumes)[0];
  if (mask && grid && meta.dims && mask.length === grid.data.length)
    output.lesions = lesionCount(mask, meta.dims, voxelMl(grid.affine), lesionMinMl(ref, settings));
  const tTta = performance.now();
  Object.assign(output, await agnosticCaseStats(mv.id, ref, settings, volumes, mask));
  const ttaMs = Math.round(performance.now() - tTta);
  const stats = { meta, image: Object.keys(volumes).length ? imageStats(volumes) : null, output };
  const verdict = evaluateCase(stats, ref, settings);
  const timingsMs = { readMs: input.volumes ? 0 : Math.round(t1 - t0), checkMs: Math.round(performance.now() - t1) - ttaMs, ttaMs };

  const row = await db().$transaction(async (tx) => {
    const data = {
      caseId: input.caseId,
      checks: verdict.checks as object[],
      score: verdict.score,
      isDrifter: verdict.isDrifter,
      reasons: verdict.reasons,
    };
    const r = await tx.driftReport.upsert({
      where: { predictionId: input.predictionId },
      create: { ...data, predictionId: input.predictionId },
      update: data,
    });
    await recordAudit(tx, {
      actor: input.actor ?? WORKER,
      action: AUDIT.driftReport,
      entityId: input.caseId,
      data: {
        driftReportId: r.id,
        predictionId: input.predictionId,
        isDrifter: verdict.isDrifter,
        score: verdict.score,
        reasons: verdict.reasons.slice(0, 5),
        model: ref.model,
      },
    });
    return r;
  });
  return {
    id: row.id,
    caseId: row.caseId,
    predictionId: row.predictionId,
    score: row.score,
    isDrifter: row.isDrifter,
    reasons: verdict.reasons,
    checks: verdict.checks,
    timingsMs,
    createdAt: row.createdAt.toISOString(),
  };
}
