/**
 * Shapes of an evaluation's stored results (Evaluation.aggregate, Evaluation.criteriaResults and the per-case JSON
 * blob). Client components may `import type` them (erased at build); the stored JSON follows these shapes exactly.
 */
import 'server-only';
import type { RegionName } from '@/lib/labels';
import type { RegionSummary } from '@/lib/metrics/summary';

/** Locked hold-out sets, the drifter hold-out, and the cases that triggered the retraining. */
export type EvalSetKind = 'HOLDOUT_INTERNAL' | 'HOLDOUT_EXTERNAL' | 'DRIFTER' | 'PROBLEMATIC';

export interface EvalSetRef {
  /** dataset id, or "problematic" for the snapshot's drifter/flagged cases */
  key: string;
  name: string;
  kind: EvalSetKind;
  locked: boolean;
}

export type CaseFigures = Record<RegionName, RegionSummary>;

export interface ModelCaseResult {
  maskSha256: string;
  maskBlobKey: string;
  /** a stored serving prediction was reused, or the model was run for the evaluation */
  source: 'stored' | 'inference';
  metrics: CaseFigures;
}

/** One case of one set: its ground truth and both models' masks and figures. */
export interface PerCaseRecord {
  setKey: string;
  caseId: string;
  externalId: string;
  reference: { labelVersionId: string; sha256: string; blobKey: string };
  candidate: ModelCaseResult;
  /** null when there is no production model to compare against */
  baseline: ModelCaseResult | null;
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface ModelRegionStats {
  dice: Interval;
  lw_dice: Interval;
  /** pooled lesion F1 over the set (no CI: it is a ratio of sums) */
  lesion_f1: number;
  tp: number;
  fp: number;
  fn: number;
  hd95Mean: number;
}

export interface RegionAggregate {
  candidate: ModelRegionStats;
  baseline: ModelRegionStats | null;
  /** paired candidate - production differences */
  difference: { dice: Interval; lw_dice: Interval } | null;
}

export interface SetAggregate extends EvalSetRef {
  /** cases with an approved ground truth that were evaluated */
  n: number;
  /** false when the set has no approved case: reported as "not evaluated" */
  evaluated: boolean;
  regions: Record<RegionName, RegionAggregate> | null;
  /** per case mean over the drifter regions of (candidate - production) Dice, with its CI (drifter sets) */
  improvement: Interval | null;
}

export interface EvaluationAggregate {
  sets: SetAggregate[];
  confidence: number;
  resamples: number;
  seed: number;
}

export type CriterionStatus = 'PASS' | 'FAIL' | 'NOT_EVALUATED';
export type CriterionKind = 'minimum' | 'regression' | 'drifter' | 'problematic' | 'holdouts';

export interface CriterionResult {
  id: string;
  kind: CriterionKind;
  setKey: string | null;
  region: RegionName | null;
  metric: string | null;
  /** the rule in words, with its threshold: what an auditor reads */
  rule: string;
  value: number | null;
  threshold: number;
  ci: { lower: number; upper: number } | null;
  status: CriterionStatus;
  /** for NOT_EVALUATED: whether the rule makes it count as a failure */
  blocking: boolean;
  detail: string;
  /** cases behind a failure (problematic cases that got worse) */
  cases?: string[];
}

export type OverallVerdict = 'PASS' | 'FAIL';
