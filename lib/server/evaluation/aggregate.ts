import 'server-only';
import { bootstrapMeanCI, bootstrapPairedDifferenceCI, type ConfidenceInterval } from '@/lib/metrics/bootstrap';
import type { RegionName } from '@/lib/labels';
import type { CriteriaConfig } from '@/lib/schemas/criteria';
import type {
  CaseFigures,
  EvalSetRef,
  EvaluationAggregate,
  Interval,
  ModelRegionStats,
  PerCaseRecord,
  RegionAggregate,
  SetAggregate,
} from './types';

/**
 * Pure: per-case figures -> per-set, per-region means with percentile-bootstrap CIs and paired differences.
 * Every CI of one evaluation uses the same seed, so re-running the aggregation on the stored per-case JSON gives
 * the stored figures exactly (an auditor can recompute them).
 */
export const REGIONS: readonly RegionName[] = ['WT', 'TC', 'ET'];

interface BootstrapSettings {
  resamples: number;
  confidence: number;
  seed: number;
}

export function bootstrapSettings(config: CriteriaConfig): BootstrapSettings {
  return { resamples: config.bootstrap.resamples, confidence: config.regression.confidence, seed: config.bootstrap.seed };
}

function interval(ci: ConfidenceInterval): Interval {
  return { estimate: ci.estimate, lower: ci.lower, upper: ci.upper };
}

function meanOf(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function modelRegionStats(figures: CaseFigures[], region: RegionName, bs: BootstrapSettings): ModelRegionStats {
  const col = (k: 'dice' | 'lw_dice' | 'hd95') => figures.map((f) => f[region][k]);
  const tp = figures.reduce((s, f) => s + f[region].tp, 0);
  const fp = figures.reduce((s, f) => s + f[region].fp, 0);
  const fn = figures.reduce((s, f) => s + f[region].fn, 0);
  return {
    dice: interval(bootstrapMeanCI(col('dice'), bs)),
    lw_dice: interval(bootstrapMeanCI(col('lw_dice'), bs)),
    // No lesion at all in either mask is a perfect detection score, as in the per-case definition.
    lesion_f1: tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    tp,
    fp,
    fn,
    hd95Mean: meanOf(col('hd95')),
  };
}

function regionAggregate(records: PerCaseRecord[], region: RegionName, bs: BootstrapSettings): RegionAggregate {
  const cand = records.map((r) => r.candidate.metrics);
  const paired = records.every((r) => r.baseline !== null);
  const base = paired ? records.map((r) => r.baseline!.metrics) : null;
  const diff = (k: 'dice' | 'lw_dice') =>
    interval(
      bootstrapPairedDifferenceCI(
        cand.map((f) => f[region][k]),
        base!.map((f) => f[region][k]),
        bs,
      ),
    );
  return {
    candidate: modelRegionStats(cand, region, bs),
    baseline: base ? modelRegionStats(base, region, bs) : null,
    difference: base ? { dice: diff('dice'), lw_dice: diff('lw_dice') } : null,
  };
}

/** Per case: the mean over `regions` of candidate - production Dice (the drifter improvement statistic). */
export function improvementPerCase(records: PerCaseRecord[], regions: readonly RegionName[]): number[] {
  return records.map((r) => meanOf(regions.map((g) => r.candidate.metrics[g].dice - r.baseline!.metrics[g].dice)));
}

export function aggregateSet(set: EvalSetRef, records: PerCaseRecord[], config: CriteriaConfig): SetAggregate {
  const mine = records.filter((r) => r.setKey === set.key);
  if (mine.length === 0) return { ...set, n: 0, evaluated: false, regions: null, improvement: null };
  const bs = bootstrapSettings(config);
  const regions = Object.fromEntries(REGIONS.map((g) => [g, regionAggregate(mine, g, bs)])) as Record<RegionName, RegionAggregate>;
  const paired = mine.every((r) => r.baseline !== null);
  const improvement =
    set.kind === 'DRIFTER' && paired ? interval(bootstrapMeanCI(improvementPerCase(mine, config.drifter.regions), bs)) : null;
  return { ...set, n: mine.length, evaluated: true, regions, improvement };
}

export function aggregateEvaluation(sets: EvalSetRef[], records: PerCaseRecord[], config: CriteriaConfig): EvaluationAggregate {
  const bs = bootstrapSettings(config);
  return { sets: sets.map((s) => aggregateSet(s, records, config)), confidence: bs.confidence, resamples: bs.resamples, seed: bs.seed };
}
