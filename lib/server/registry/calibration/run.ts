import 'server-only';
/**
 * calibrateModel: measures a registered model's drift reference on a hospital's reference cases (a dataset, or a
 * list of case ids; labelled or not) and stores it as a ModelCalibration row with its audit event, in one
 * transaction.
 *
 * Why a row and not a new card: the registered card and ONNX (sha256) are what was evaluated, gated and approved,
 * so they stay exactly as registered; a calibration is an observation about a hospital's cases, made later and
 * possibly repeated. The newest row's reference replaces the card's for the drift checks (drift/report.ts), the
 * older rows stay as history, and the model page shows where the reference came from.
 */
import { ZodError } from 'zod';
import { db } from '../../db';
import { AUDIT, recordAudit } from '../../audit';
import { AppError } from '../../errors';
import type { Actor } from '../../auth/actor';
import { authorize } from '../../auth/authorize';
import { loadRegisteredModel } from '../../serving/models';
import { defaultFlips, type Axis } from '../../drift/agnostic/flip';
import { calibratedCard } from '../../drift/reference';
import { getDriftSettings } from '../../drift/settings';
import { buildReference, type CalibrationCase } from './reference';
import { measureCase } from './measure';
import { resolveCalibrationCases, resolveModelVersion } from './resolve';

/** Fewer cases give no usable spread (and no leave-one-out feature distances). */
export const MIN_CALIBRATION_CASES = 3;

export interface CalibrateInput {
  /** name@version or a model version id */
  model: string;
  /** a dataset id or name, or explicit case ids (exactly one of the two) */
  dataset?: string;
  caseIds?: string[];
  actor: Actor;
  onCase?: (done: number, total: number, caseId: string) => void;
}

export interface CalibrationResult {
  calibrationId: string;
  model: string;
  cases: number;
  labelledCases: number;
  flips: Axis[][];
  durationMs: number;
}

const actorLabel = (a: Actor) => (a.kind === 'user' ? a.email : a.kind === 'token' ? `api-token:${a.name}` : a.kind);

function validated(card: unknown, reference: unknown): void {
  try {
    calibratedCard(card, reference);
  } catch (e) {
    if (e instanceof ZodError) {
      const i = e.issues[0];
      throw new AppError('INVALID_INPUT', `the measured reference does not fit the model card at ${i.path.join('.')}: ${i.message}`);
    }
    throw e;
  }
}

export async function calibrateModel(input: CalibrateInput): Promise<CalibrationResult> {
  const t0 = performance.now();
  await authorize(input.actor, 'model:register');
  const version = await resolveModelVersion(input.model);
  const { caseIds, dataset } = await resolveCalibrationCases(input);
  if (caseIds.length < MIN_CALIBRATION_CASES)
    throw new AppError('INVALID_INPUT', `calibration needs at least ${MIN_CALIBRATION_CASES} reference cases, got ${caseIds.length}`);
  const model = await loadRegisteredModel(version.id);
  const settings = await getDriftSettings();
  const flips = (settings.tta.flips as Axis[][] | null) ?? defaultFlips(model.card);
  const measured: CalibrationCase[] = [];
  for (const caseId of caseIds) {
    measured.push(await measureCase(model, caseId, { flips, minLesionMl: settings.minLesionMl }));
    input.onCase?.(measured.length, caseIds.length, caseId);
  }
  const label = `${version.name}@${version.version}`;
  const description = dataset ? `${caseIds.length} cases of dataset ${dataset.name}` : `${caseIds.length} listed cases`;
  const reference = buildReference(measured, {
    featureDim: model.card.output.featureDim,
    flips,
    minLesionMl: settings.minLesionMl,
    description,
  });
  validated(version.card, reference);
  const labelledCases = measured.filter((c) => c.truth).length;
  const durationMs = Math.round(performance.now() - t0);
  const row = await db().$transaction(async (tx) => {
    const r = await tx.modelCalibration.create({
      data: {
        modelVersionId: version.id,
        reference: JSON.parse(JSON.stringify(reference)),
        datasetId: dataset?.id ?? null,
        datasetName: dataset?.name ?? null,
        caseIds,
        cases: caseIds.length,
        labelledCases,
        createdById: input.actor.kind === 'user' ? input.actor.id : null,
        createdBy: actorLabel(input.actor),
        durationMs,
      },
    });
    await recordAudit(tx, {
      actor: input.actor,
      action: AUDIT.modelCalibrate,
      entityId: version.id,
      data: {
        calibrationId: r.id,
        model: label,
        datasetId: dataset?.id ?? null,
        datasetName: dataset?.name ?? null,
        cases: caseIds.length,
        labelledCases,
        parts: Object.keys(reference).filter((k) => reference[k as keyof typeof reference] != null),
        flips,
      },
    });
    return r;
  });
  return { calibrationId: row.id, model: label, cases: caseIds.length, labelledCases, flips, durationMs };
}
