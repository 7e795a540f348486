import 'server-only';
/** Where a model's drift reference comes from, for the model page: a calibration, the trainer, or nothing yet. */
import { db } from '../../db';
import { parseModelCard, uncalibratedParts, type CardReferencePart } from '@/lib/schemas/model-card';

export interface CalibrationRowDto {
  id: string;
  datasetId: string | null;
  datasetName: string | null;
  cases: number;
  labelledCases: number;
  caseIds: string[];
  createdBy: string;
  createdAt: string;
  durationMs: number;
  /** the flips the test-time augmentation ran (axes of the network input) */
  flips: number[][];
  /** where the volume reference came from: approved labels or the model's own predictions */
  volumesFrom: string | null;
}

export type DriftReferenceInfoDto =
  | { source: 'calibration'; current: CalibrationRowDto; earlier: CalibrationRowDto[] }
  | { source: 'trainer'; train: number; val: number; snapshotId: string | null }
  | { source: 'uncalibrated'; missing: CardReferencePart[] };

function rowDto(r: {
  id: string;
  datasetId: string | null;
  datasetName: string | null;
  cases: number;
  labelledCases: number;
  caseIds: unknown;
  createdBy: string;
  createdAt: Date;
  durationMs: number;
  reference: unknown;
}): CalibrationRowDto {
  const ref = (r.reference ?? {}) as { agnostic?: { flips?: number[][] }; volumes?: { source?: string } };
  return {
    id: r.id,
    datasetId: r.datasetId,
    datasetName: r.datasetName,
    cases: r.cases,
    labelledCases: r.labelledCases,
    caseIds: Array.isArray(r.caseIds) ? (r.caseIds as string[]) : [],
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    durationMs: r.durationMs,
    flips: ref.agnostic?.flips ?? [],
    volumesFrom: ref.volumes?.source ?? null,
  };
}

export async function getDriftReferenceInfo(modelVersionId: string, cardJson: unknown): Promise<DriftReferenceInfoDto> {
  const rows = await db().modelCalibration.findMany({ where: { modelVersionId }, orderBy: { createdAt: 'desc' } });
  if (rows.length) return { source: 'calibration', current: rowDto(rows[0]), earlier: rows.slice(1).map(rowDto) };
  const card = parseModelCard(cardJson);
  const missing = uncalibratedParts(card);
  if (missing.length) return { source: 'uncalibrated', missing };
  return {
    source: 'trainer',
    train: card.training.cases.train,
    val: card.training.cases.val,
    snapshotId: card.training.datasetSnapshot.id,
  };
}
