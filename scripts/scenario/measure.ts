/**
 * Pure figures of the scenario: drift detection quality on the stream, and candidate-vs-production comparisons on a
 * subset of an evaluation's per-case records (with the evaluation's own bootstrap settings, so the figures agree
 * with what the gate computed). Unit-tested in tests/scenario/measure.test.ts.
 */
import { bootstrapMeanCI, bootstrapPairedDifferenceCI, type BootstrapOptions } from '@/lib/metrics/bootstrap';

export interface StreamCase {
  /** arrival order (0-based) */
  index: number;
  shifted: boolean;
  /** when the ingestion request was sent (ms since epoch) */
  sentAt: number;
  /** the production prediction's drift verdict; null when the case got no drift report */
  isDrifter: boolean | null;
  /** when that drift report was written (ms since epoch) */
  reportedAt: number | null;
}

export interface DriftDetection {
  cases: number;
  shifted: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** cases without a drift report (serving failed): counted as not flagged */
  unreported: number;
  precision: number | null;
  recall: number | null;
  inDistributionDrifterRate: number | null;
  firstShiftedIndex: number | null;
  /** arrivals from the first shifted case (inclusive) to the case whose drifter verdict was the first alert on a shifted case (inclusive) */
  firstAlertCases: number | null;
  /** seconds from sending the first shifted case to the first drifter verdict on a shifted case */
  firstAlertSeconds: number | null;
  /** drifter verdicts on in-distribution cases before that first alert (false alarms) */
  falseAlarmsBeforeAlert: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function driftDetection(cases: StreamCase[]): DriftDetection {
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0,
    unreported = 0;
  for (const c of cases) {
    if (c.isDrifter === null) unreported++;
    const flagged = c.isDrifter === true;
    if (c.shifted && flagged) tp++;
    else if (c.shifted) fn++;
    else if (flagged) fp++;
    else tn++;
  }
  const byIndex = [...cases].sort((a, b) => a.index - b.index);
  const firstShifted = byIndex.find((c) => c.shifted) ?? null;
  const alerts = cases.filter((c) => c.shifted && c.isDrifter && c.reportedAt !== null).sort((a, b) => a.reportedAt! - b.reportedAt!);
  const first = alerts[0] ?? null;
  const falseAlarms = first
    ? cases.filter((c) => !c.shifted && c.isDrifter && c.reportedAt !== null && c.reportedAt < first.reportedAt!).length
    : 0;
  return {
    cases: cases.length,
    shifted: tp + fn,
    tp,
    fp,
    fn,
    tn,
    unreported,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    inDistributionDrifterRate: ratio(fp, fp + tn),
    firstShiftedIndex: firstShifted?.index ?? null,
    firstAlertCases: first && firstShifted ? first.index - firstShifted.index + 1 : null,
    firstAlertSeconds: first && firstShifted ? (first.reportedAt! - firstShifted.sentAt) / 1000 : null,
    falseAlarmsBeforeAlert: falseAlarms,
  };
}

export type Region = 'WT' | 'TC' | 'ET';
export const REGIONS: Region[] = ['WT', 'TC', 'ET'];
export type Metric = 'dice' | 'lw_dice';

/** The part of a stored per-case record these figures need (lib/server/evaluation/types.ts PerCaseRecord). */
export interface PairedRecord {
  caseId: string;
  candidate: { metrics: Record<Region, Record<Metric, number>> };
  baseline: { metrics: Record<Region, Record<Metric, number>> } | null;
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface RegionComparison {
  candidate: Interval;
  production: Interval;
  /** paired candidate - production */
  difference: Interval;
}

export type SetComparison = { n: number } & Record<Region, Record<Metric, RegionComparison>>;

const iv = (ci: { estimate: number; lower: number; upper: number }): Interval => ({
  estimate: ci.estimate,
  lower: ci.lower,
  upper: ci.upper,
});

/** Candidate and production means with CIs, and the paired difference, per region and metric; null without cases. */
export function compareOnCases(records: PairedRecord[], bs: BootstrapOptions): SetComparison | null {
  const paired = records.filter((r) => r.baseline !== null);
  if (paired.length === 0) return null;
  const out = { n: paired.length } as SetComparison;
  for (const g of REGIONS) {
    out[g] = {} as Record<Metric, RegionComparison>;
    for (const m of ['dice', 'lw_dice'] as Metric[]) {
      const cand = paired.map((r) => r.candidate.metrics[g][m]);
      const base = paired.map((r) => r.baseline!.metrics[g][m]);
      out[g][m] = {
        candidate: iv(bootstrapMeanCI(cand, bs)),
        production: iv(bootstrapMeanCI(base, bs)),
        difference: iv(bootstrapPairedDifferenceCI(cand, base, bs)),
      };
    }
  }
  return out;
}

/** Worst lower CI bound of the paired difference over regions and metrics: the regression figure. */
export function worstDifferenceLower(c: SetComparison): number {
  return Math.min(...REGIONS.flatMap((g) => (['dice', 'lw_dice'] as Metric[]).map((m) => c[g][m].difference.lower)));
}

/** Below this many cases a percentile bootstrap CI is too coarse to call anything significant. */
export const MIN_CASES_FOR_SIGNIFICANCE = 5;

/**
 * Per case, the mean over WT/TC/ET of candidate - production Dice; its mean with a CI (the gate's drifter statistic).
 * "Significant" improvement: at least MIN_CASES_FOR_SIGNIFICANCE cases and the CI's lower bound above zero.
 */
export function meanDiceGain(records: PairedRecord[], bs: BootstrapOptions): (Interval & { n: number; significant: boolean }) | null {
  const paired = records.filter((r) => r.baseline !== null);
  if (paired.length === 0) return null;
  const perCase = paired.map(
    (r) => REGIONS.reduce((s, g) => s + r.candidate.metrics[g].dice - r.baseline!.metrics[g].dice, 0) / REGIONS.length,
  );
  const ci = iv(bootstrapMeanCI(perCase, bs));
  return { ...ci, n: paired.length, significant: paired.length >= MIN_CASES_FOR_SIGNIFICANCE && ci.lower > 0 };
}
