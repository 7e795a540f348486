import { PRODUCT_LABEL_MAP } from '@/lib/labels';
import { resolveChallenge } from './challenges';
import { lesionWise, MISSED_HD95 } from './lesionwise';
import { hd95OfRuns, unionBoxes } from './runHd95';
import { runsBox, runVoxels, type Runs } from './runs';
import { REGIONS, regionLut, scanRegionRuns } from './scan';
import {
  MetricsInputError,
  type CaseMetrics,
  type ChallengeSettings,
  type Dims,
  type EvaluateCaseInput,
  type RegionMetrics,
  type Spacing,
} from './types';

/**
 * Every metric of one case, for the regions WT, TC and ET of the label map: plain Dice, HD95, sensitivity,
 * specificity and volumes, and the BraTS 2023 lesion-wise Dice/HD95 with lesion detection counts and details.
 * One pass over each label volume builds run-length masks; everything else works on runs and lesion boxes.
 */
export function evaluateCase(input: EvaluateCaseInput): CaseMetrics {
  const { pred, ref, dims, spacing } = input;
  checkGrid(dims, spacing);
  const map = input.labelMap ?? PRODUCT_LABEL_MAP;
  const settings = resolveChallenge(input.challenge);
  const lut = regionLut(map);
  const predRuns = scanRegionRuns(pred, dims, lut, 'prediction', map.name);
  const refRuns = scanRegionRuns(ref, dims, lut, 'reference', map.name);
  const out = {} as CaseMetrics;
  REGIONS.forEach((region, r) => {
    out[region] = evaluateRegionRuns(refRuns[r], predRuns[r], spacing, settings);
  });
  return out;
}

/** All metrics of one region given as binary masks (nonzero = inside). */
export function evaluateRegion(
  pred: ArrayLike<number>,
  ref: ArrayLike<number>,
  dims: Dims,
  spacing: Spacing,
  challenge?: string | ChallengeSettings,
): RegionMetrics {
  checkGrid(dims, spacing);
  const lut = new Uint8Array(256).fill(1);
  lut[0] = 0;
  const toBytes = (m: ArrayLike<number>) => Uint8Array.from(m as ArrayLike<number>, (v) => (v !== 0 ? 1 : 0));
  const p = scanRegionRuns(toBytes(pred), dims, lut, 'prediction', 'binary')[0];
  const r = scanRegionRuns(toBytes(ref), dims, lut, 'reference', 'binary')[0];
  return evaluateRegionRuns(r, p, spacing, resolveChallenge(challenge));
}

export function evaluateRegionRuns(ref: Runs, pred: Runs, spacing: Spacing, settings: ChallengeSettings): RegionMetrics {
  const [nx, ny, nz] = ref.dims;
  const [sx, sy, sz] = spacing;
  const refVox = runVoxels(ref);
  const predVox = runVoxels(pred);
  const bothEmpty = refVox === 0 && predVox === 0;
  let plainRaw = Infinity;
  if (refVox > 0 && predVox > 0)
    plainRaw = hd95OfRuns(ref, undefined, pred, undefined, unionBoxes([runsBox(ref), runsBox(pred)])!, spacing);
  const lw = lesionWise(ref, pred, { spacing, settings, plainHd95: plainRaw });
  const tp = lw.overlapVoxels;
  const fp = predVox - tp;
  const fn = refVox - tp;
  const tn = nx * ny * nz - tp - fp - fn;
  return {
    dice: bothEmpty ? 1 : (2 * tp) / (predVox + refVox),
    hd95: bothEmpty ? 0 : Number.isFinite(plainRaw) ? plainRaw : MISSED_HD95,
    // GaNDLF's formulas as the official code calls them, epsilon included (it moves results by ~1e-16 at most).
    sensitivity: bothEmpty ? 1 : tp / (tp + fn + Number.EPSILON),
    specificity: tn / (tn + fp + Number.EPSILON),
    refVolumeMl: (refVox * sx * sy * sz) / 1000,
    predVolumeMl: (predVox * sx * sy * sz) / 1000,
    voxels: { tp, fp, fn, tn },
    lesionWiseDice: lw.lesionWiseDice,
    lesionWiseHd95: lw.lesionWiseHd95,
    tp: lw.tp,
    fp: lw.fp,
    fn: lw.fn,
    lesionF1: lw.lesionF1,
    lesions: lw.lesions,
    predComponents: lw.predComponents,
  };
}

function checkGrid(dims: Dims, spacing: Spacing): void {
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d > 0))
    throw new MetricsInputError(`dims must be three positive integers, got ${JSON.stringify(dims)}`);
  if (spacing.length !== 3 || !spacing.every((s) => Number.isFinite(s) && s > 0))
    throw new MetricsInputError(`spacing must be three positive numbers (mm), got ${JSON.stringify(spacing)}`);
}
