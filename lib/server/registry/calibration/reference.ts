import 'server-only';
/**
 * The drift reference measured on reference cases, in card 2's `reference` shape (lib/schemas/model-card) plus the
 * optional statistics lib/server/drift/reference.ts reads (brain volume, predicted components, lesion counts, ET/TC
 * ratio, uncertainty). Pure: one CalibrationCase per reference case in, the reference out.
 *
 * Volumes: the ground-truth volumes when every reference case has an approved label, else the model's own
 * predictions on them (a hospital's unlabelled cases still give a like-for-like population: production values are
 * predictions too). Component counts, lesions, ratio, uncertainty, flip disagreement and nesting are always the
 * model's own, measured exactly as production measures them.
 */
import { quantiles, type QuantileSummary } from '@/lib/stats';
import { INTENSITY_LEVELS } from '@/lib/server/drift/intensity';
import { MODALITIES, VOLUME_REGIONS, type CaseImageStats, type CaseMetadataStats, type VolumeRegion } from '@/lib/server/drift/types';
import { fitFeatures } from './features';
import { acquisitionReference } from './acquisition';

export const QUANTILE_LEVELS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
const REGIONS3 = ['WT', 'TC', 'ET'] as const;
type Counts3 = Record<(typeof REGIONS3)[number], number>;

export interface CalibrationCase {
  caseId: string;
  meta: CaseMetadataStats;
  image: CaseImageStats;
  predicted: { volumesMl: Record<VolumeRegion, number>; components: Counts3; lesions: number; uncertainty: number | null };
  features: number[];
  /** volumes and components of the approved label, when the case has one */
  truth: { volumesMl: Record<VolumeRegion, number>; components: Counts3 } | null;
  tta: { disagreement: number; nesting: number | null };
}

export interface CalibrationOptions {
  featureDim: number;
  flips: number[][];
  minLesionMl: number;
  description: string;
}

/** Quantiles of a sample at QUANTILE_LEVELS (nulls for an empty one, as the trainer writes). */
export function summary(values: number[], levels: number[] = QUANTILE_LEVELS): QuantileSummary {
  return { levels, values: values.length ? quantiles(values, levels) : levels.map(() => null) };
}

function counted<T>(values: T[]): { value: T; count: number }[] {
  const byKey = new Map<string, { value: T; count: number }>();
  for (const v of values) {
    const k = JSON.stringify(v);
    const e = byKey.get(k);
    if (e) e.count++;
    else byKey.set(k, { value: v, count: 1 });
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}

function intensity(cases: CalibrationCase[], description: string) {
  const channels: Record<string, unknown> = {};
  for (const ch of MODALITIES) {
    const per = cases.map((c) => c.image.intensity[ch]).filter((q): q is number[] => !!q);
    if (per.length === 0) continue;
    channels[ch] = {
      pooledQuantiles: INTENSITY_LEVELS.map((_, i) => per.reduce((s, q) => s + q[i], 0) / per.length),
      caseMedian: summary(per.map((q) => q[50])),
      caseP01: summary(per.map((q) => q[1])),
      caseP99: summary(per.map((q) => q[99])),
    };
  }
  return {
    space: `raw intensities (after scl_slope/scl_inter), non-zero voxels of each channel, native grid; ${description}`,
    levels: INTENSITY_LEVELS,
    channels,
  };
}

function imageMetadata(cases: CalibrationCase[]) {
  const known = <T>(v: T | null): v is T => v != null;
  return {
    n: cases.length,
    spacingMm: counted(cases.map((c) => c.meta.spacingMm).filter(known)),
    dims: counted(cases.map((c) => c.meta.dims).filter(known)),
    orientations: counted(cases.map((c) => c.meta.orientation).filter(known)),
    dtypes: counted(cases.map((c) => c.meta.datatype).filter(known)),
    brainVolumeMl: summary(cases.map((c) => c.image.brainVolumeMl).filter(known)),
    acquisition: acquisitionReference(cases.map((c) => c.meta)),
  };
}

function features(cases: CalibrationCase[], o: CalibrationOptions) {
  if (o.featureDim === 0) return null;
  const fit = fitFeatures(cases.map((c) => c.features));
  return {
    source: `the model's feature tensor averaged over sliding windows, ${o.description}`,
    dim: o.featureDim,
    n: cases.length,
    mean: fit.mean,
    covariance: fit.covariance,
    precision: fit.precision,
    shrinkage: fit.shrinkage,
    estimator: 'ledoit-wolf',
    mahalanobis: { train: summary(fit.inSample), val: fit.leaveOneOut.length ? summary(fit.leaveOneOut) : null },
  };
}

function volumes(cases: CalibrationCase[], o: CalibrationOptions) {
  const fromLabels = cases.every((c) => c.truth);
  const source = (c: CalibrationCase) => (fromLabels ? c.truth! : { volumesMl: c.predicted.volumesMl, components: c.predicted.components });
  const byRegion = <R extends string>(regions: readonly R[], value: (c: CalibrationCase, r: R) => number) =>
    Object.fromEntries(regions.map((r) => [r, summary(cases.map((c) => value(c, r)))]));
  return {
    unit: 'mL' as const,
    source: fromLabels ? 'approved labels of the reference cases' : "the model's predictions on the reference cases",
    labels: byRegion(VOLUME_REGIONS, (c, r) => source(c).volumesMl[r]),
    predictedVal: byRegion(VOLUME_REGIONS, (c, r) => c.predicted.volumesMl[r]),
    components: byRegion(REGIONS3, (c, r) => source(c).components[r]),
    predictedComponents: byRegion(REGIONS3, (c, r) => c.predicted.components[r]),
    lesions: { minMl: o.minLesionMl, counts: summary(cases.map((c) => c.predicted.lesions)) },
    ratios: {
      ET_TC: summary(cases.filter((c) => c.predicted.volumesMl.TC > 0).map((c) => c.predicted.volumesMl.ET / c.predicted.volumesMl.TC)),
    },
    levels: QUANTILE_LEVELS,
  };
}

export function buildReference(cases: CalibrationCase[], o: CalibrationOptions) {
  const nesting = cases.map((c) => c.tta.nesting).filter((v): v is number => v != null);
  return {
    intensity: intensity(cases, o.description),
    imageMetadata: imageMetadata(cases),
    features: features(cases, o),
    volumes: volumes(cases, o),
    uncertainty: summary(cases.map((c) => c.predicted.uncertainty).filter((v): v is number => v != null)),
    agnostic: {
      flips: o.flips,
      ttaDisagreement: summary(cases.map((c) => c.tta.disagreement)),
      nesting: nesting.length ? summary(nesting) : null,
    },
  };
}
