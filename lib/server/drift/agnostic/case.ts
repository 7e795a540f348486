import 'server-only';
/**
 * The flip test-time augmentation of one served case, for its drift report. It runs only when the model's drift
 * reference has a flip distribution (a calibrated model) and the setting allows it: each flip is one more inference
 * of the case, so models the trainer calibrated (no flip reference) cost exactly what they cost before.
 */
import { loadRegisteredModel } from '../../serving/models';
import type { CaseVolumes } from '../../inference/preprocess';
import { MODALITIES, type CaseOutputStats, type DriftReference, type Modality } from '../types';
import type { DriftSettings } from '../settings';
import type { DecodedVolume } from '../case-stats';
import { flipStats, type Axis } from './flip';

export async function agnosticCaseStats(
  modelVersionId: string,
  ref: DriftReference,
  settings: DriftSettings,
  volumes: Partial<Record<Modality, DecodedVolume>>,
  mask: ArrayLike<number> | null,
): Promise<Pick<CaseOutputStats, 'tta' | 'nesting'>> {
  if (!ref.agnostic || !settings.tta.enabled || !mask) return {};
  // the NIfTI volumes the inference read (the report reads them with readNifti too): all four are needed to run it
  if (!MODALITIES.every((m) => volumes[m] && 'dims' in volumes[m]!)) return {};
  // the reference's flips: a disagreement is comparable only with one measured by the same flips
  const flips = ref.agnostic.flips as Axis[][];
  const model = await loadRegisteredModel(modelVersionId);
  const s = await flipStats(model, volumes as unknown as CaseVolumes, mask, flips);
  return { tta: { disagreement: s.disagreement, flips }, nesting: s.nesting };
}
