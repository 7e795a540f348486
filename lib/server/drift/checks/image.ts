import 'server-only';
/**
 * Family 2, image-based out-of-distribution scores: the Mahalanobis distance of the model's pooled features from the
 * training features (card precision matrix), against the distances of held-out cases; and per sequence, how far the
 * shape of the intensity histogram (z-scored, as the model sees it) lies from the training barycentre.
 */
import type { DriftSettings } from '../settings';
import { shapeDistance } from '../intensity';
import { MODALITIES, type CaseImageStats, type CheckResult, type DriftReference } from '../types';
import { MAX_SCORE, fmt, infoCheck, tailCheck } from './tail';

export function mahalanobis(x: number[], mean: number[], precision: number[][]): number {
  const d = x.map((v, i) => v - mean[i]);
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    const row = precision[i];
    let acc = 0;
    for (let j = 0; j < d.length; j++) acc += row[j] * d[j];
    s += d[i] * acc;
  }
  return Math.sqrt(Math.max(s, 0));
}

export function featureCheck(features: number[] | null, ref: DriftReference, settings: DriftSettings): CheckResult {
  const kind = 'features.mahalanobis';
  const label = 'feature distance from training (Mahalanobis)';
  if (!features) return infoCheck('image', kind, label, null, 'no feature vector stored with the prediction');
  const f = ref.features;
  if (!f) return infoCheck('image', kind, label, null, 'the card has no feature reference');
  if (features.length !== f.mean.length)
    return infoCheck('image', kind, label, null, `feature length ${features.length} differs from the card's ${f.mean.length}`);
  const population = f.distanceSource === 'validation' ? 'validation cases' : 'training cases';
  const check = tailCheck(
    mahalanobis(features, f.mean, f.precision),
    f.distances,
    { family: 'image', kind, label, tails: 'upper', population },
    settings,
  );
  if (check.reason) check.reason = `image features unlike training: ${check.reason}`;
  return check;
}

export function shapeChecks(image: CaseImageStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  return MODALITIES.map((ch) => {
    const kind = `intensity.${ch}.shape`;
    const label = `${ch} histogram shape distance`;
    const q = image.intensity[ch];
    const r = ref.intensity?.channels[ch];
    if (!q) return infoCheck('image', kind, label, null, `${ch} absent or empty`);
    if (!r || !ref.intensity || ref.intensity.levels.length !== image.levels.length)
      return infoCheck('image', kind, label, null, `the card has no ${ch} histogram reference`);
    const d = shapeDistance(q, r.pooled, image.levels);
    if (r.shapeDistance) {
      const c = tailCheck(d, r.shapeDistance, { family: 'image', kind, label, tails: 'upper', population: 'training cases' }, settings);
      if (c.reason) c.reason = `${ch} intensity histogram unlike training: ${c.reason}`;
      return c;
    }
    // no per-case distribution in the card: a fixed, configurable threshold (in SDs of the z-scored intensities)
    const thr = settings.shapeDistanceThreshold;
    const score = Math.min(MAX_SCORE, d / thr);
    return {
      family: 'image',
      kind,
      label,
      value: d,
      unit: 'SD',
      reference: 'z-scored pooled training histogram (card reference.intensity.pooledQuantiles)',
      threshold: { failAbove: thr, source: 'setting drift.settings.shapeDistanceThreshold' },
      verdict: score > 1 ? 'fail' : 'pass',
      score,
      reason: score > 1 ? `${ch} intensity histogram unlike training (shape distance ${fmt(d)} SD, threshold ${fmt(thr)})` : null,
    };
  });
}
