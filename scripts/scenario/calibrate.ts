/**
 * --production: a model from outside the trainer arrives without drift reference statistics (its card's reference is
 * null or partly so). The ML engineer measures them on the hospital's own reference cases, the labelled domain-A
 * training set, with `npm run model:calibrate`'s library, before the stream starts (and for a retrained candidate of
 * such a model before it serves as shadow), so that drift is judged from the tapped features, the flip test-time
 * augmentation and the outputs.
 */
import { db } from '@/lib/server/db';
import { calibrateModel, latestCalibration } from '@/lib/server/registry/calibration';
import { listDatasets } from '@/lib/server/datasets/queries';
import { parseModelCard, uncalibratedParts } from '@/lib/schemas/model-card';
import type { Cast } from './setup';

export async function calibrateIfNeeded(cast: Cast, modelVersionId: string, log: (m: string) => void): Promise<string | null> {
  const mv = await db().modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
  const card = parseModelCard(mv.card);
  const missing = uncalibratedParts(card);
  if (!missing.length || (await latestCalibration(mv.id))) return null;
  const train = (await listDatasets()).find((d) => d.kind === 'TRAIN');
  if (!train) throw new Error('no training dataset to calibrate on');
  const r = await calibrateModel({ model: mv.id, dataset: train.id, actor: cast.mlEngineer });
  log(
    `calibrated ${r.model} on ${r.cases} reference cases (${r.labelledCases} labelled; ${missing.join(', ')} were missing) in ${(r.durationMs / 1000).toFixed(0)} s`,
  );
  return r.calibrationId;
}
