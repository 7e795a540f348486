import { lesionStructure, type LesionStructure } from './lesionMatch';
import { hd95OfRuns, unionBoxes } from './runHd95';
import type { Runs } from './runs';
import type { Box, ChallengeSettings, LesionDetail, LesionWiseFigures, PredComponentDetail, Spacing } from './types';

/** HD95 the BraTS code gives a missed lesion, a false positive and any infinite distance. */
export const MISSED_HD95 = 374;

export interface LesionWiseResult extends LesionWiseFigures {
  overlapVoxels: number;
}

export interface LesionWiseOptions {
  spacing: Spacing;
  settings: ChallengeSettings;
  /** raw plain HD95 of the whole masks, reused for a lesion that is the whole reference matched by the whole prediction */
  plainHd95?: number;
}

/**
 * BraTS 2023 lesion-wise scores of one region (get_lesion_wise_score + get_lesion_wise_results):
 * per lesion, Dice and HD95 against the union of its matched predicted components (0 and 374 when none matches);
 * lesions at or below the volume threshold are dropped; every unmatched predicted component is a false positive
 * (no size filter) scoring 0 and 374. Score = sum over counted lesions / (counted lesions + false positives);
 * Dice 1 and HD95 0 when that denominator is 0.
 */
export function lesionWise(refRuns: Runs, predRuns: Runs, opts: LesionWiseOptions): LesionWiseResult {
  const s = lesionStructure(refRuns, predRuns, opts.settings.dilation);
  const [sx, sy, sz] = opts.spacing;
  const lesions: LesionDetail[] = [];
  const refOfLesion = groupRefByLesion(s);
  for (let l = 1; l <= s.lesionCount; l++) {
    const comps = refOfLesion[l];
    const matched = s.matchedPred[l];
    const refVoxels = sum(comps.map((c) => s.ref.voxels[c]));
    const predVoxels = sum(matched.map((p) => s.pred.voxels[p]));
    const box = unionBoxes(comps.map((c) => s.refBoxes[c]))!;
    const wholeCase = comps.length === s.ref.count && matched.length === s.pred.count;
    const hd =
      matched.length === 0
        ? Infinity
        : wholeCase && opts.plainHd95 !== undefined
          ? opts.plainHd95
          : hd95OfRuns(
              refRuns,
              (i) => s.lesionOfRef[s.ref.runLabel[i]] === l,
              predRuns,
              (i) => s.matchedLesions[s.pred.runLabel[i]].includes(l),
              unionBoxes([box, ...matched.map((p) => s.predBoxes[p])])!,
              opts.spacing,
            );
    lesions.push({
      id: l,
      status: matched.length > 0 ? 'TP' : 'FN',
      // Same operation order as the official np.sum(gt_tmp) * sx * sy * sz, so the threshold test rounds alike.
      counted: refVoxels * sx * sy * sz > opts.settings.volumeThresholdMm3,
      refComponents: comps.length,
      refVoxels,
      refVolumeMl: (refVoxels * sx * sy * sz) / 1000,
      matchedPred: matched,
      predVoxels,
      predVolumeMl: (predVoxels * sx * sy * sz) / 1000,
      dice: (2 * s.intersection[l]) / (predVoxels + refVoxels),
      hd95: Number.isFinite(hd) ? hd : MISSED_HD95,
      centroid: centroid(s.ref.coordSums, comps, refVoxels),
      box,
    });
  }
  const predComponents = predDetails(s, opts.spacing);
  return { ...aggregate(lesions, predComponents), lesions, predComponents, overlapVoxels: s.overlapVoxels };
}

function aggregate(lesions: LesionDetail[], preds: PredComponentDetail[]) {
  const counted = lesions.filter((l) => l.counted);
  const fp = preds.filter((p) => p.matchedLesions.length === 0).length;
  const tp = counted.filter((l) => l.status === 'TP').length;
  const fn = counted.length - tp;
  const denom = counted.length + fp;
  return {
    lesionWiseDice: denom === 0 ? 1 : sum(counted.map((l) => l.dice)) / denom,
    lesionWiseHd95: denom === 0 ? 0 : (sum(counted.map((l) => l.hd95)) + fp * MISSED_HD95) / denom,
    tp,
    fp,
    fn,
    lesionF1: 2 * tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
  };
}

function groupRefByLesion(s: LesionStructure): number[][] {
  const out: number[][] = Array.from({ length: s.lesionCount + 1 }, () => []);
  for (let c = 1; c <= s.ref.count; c++) out[s.lesionOfRef[c]].push(c);
  return out;
}

function predDetails(s: LesionStructure, [sx, sy, sz]: Spacing): PredComponentDetail[] {
  const out: PredComponentDetail[] = [];
  for (let p = 1; p <= s.pred.count; p++) {
    const voxels = s.pred.voxels[p];
    out.push({
      id: p,
      voxels,
      volumeMl: (voxels * sx * sy * sz) / 1000,
      matchedLesions: s.matchedLesions[p],
      centroid: centroid(s.pred.coordSums, [p], voxels),
      box: s.predBoxes[p] as Box,
    });
  }
  return out;
}

function centroid(sums: Float64Array, comps: number[], voxels: number): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (const k of comps) for (let d = 0; d < 3; d++) c[d] += sums[3 * k + d];
  return [c[0] / voxels, c[1] / voxels, c[2] / voxels];
}

/** Sequential sum, the order pandas/numpy use for these short per-lesion lists. */
function sum(values: number[]): number {
  let t = 0;
  for (const v of values) t += v;
  return t;
}
