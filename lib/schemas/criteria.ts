/**
 * Acceptance criteria: the versioned configuration the evaluation gate applies to a candidate model, edited by ML
 * engineers (every edit inserts a new AcceptanceCriteria version). Isomorphic so the edit form validates with the
 * same schema the server stores. What each field means is spelt out next to it, because an auditor reads these.
 */
import { z } from 'zod';

export const CRITERIA_REGIONS = ['WT', 'TC', 'ET'] as const;
export type CriteriaRegion = (typeof CRITERIA_REGIONS)[number];

/** Per-case metrics the regression check may compare (keys of the stored per-case figures). */
export const REGRESSION_METRICS = ['dice', 'lw_dice'] as const;
export type RegressionMetric = (typeof REGRESSION_METRICS)[number];

const unit = z.number().min(0).max(1);
const region = z.enum(CRITERIA_REGIONS);
/** What a criterion concludes when its set holds no case with an approved ground truth. */
const onEmpty = z.enum(['pass', 'fail']);

const regionMinimums = z.strictObject({
  /** mean plain Dice over the set's cases */
  dice: unit,
  /** mean BraTS 2023 lesion-wise Dice */
  lwDice: unit,
  /** lesion F1 from the set's pooled lesion counts: 2 sum(TP) / (2 sum(TP) + sum(FP) + sum(FN)) */
  lesionF1: unit,
});

export const criteriaConfigSchema = z.strictObject({
  /** Absolute minimums, checked on every locked hold-out set that has cases. */
  minimums: z.strictObject({ WT: regionMinimums, TC: regionMinimums, ET: regionMinimums }),
  /** Non-inferiority against production on every locked hold-out set, per region and metric. */
  regression: z.strictObject({
    metrics: z.array(z.enum(REGRESSION_METRICS)).min(1),
    /** passes when the lower bound of the CI of mean(candidate - production) is above -margin */
    margin: z.number().min(0).max(0.5),
    /** two-sided confidence level of that CI */
    confidence: z.number().min(0.5).max(0.999),
  }),
  /** The drifter hold-out: the cases that made retraining necessary must get better. */
  drifter: z.strictObject({
    regions: z.array(region).min(1),
    /** passes when the mean over cases of mean-over-regions (candidate - production) Dice exceeds this */
    minMeanImprovement: z.number().min(-1).max(1),
    /** additionally require the lower bound of that difference's CI to be above 0 */
    requireCiAboveZero: z.boolean(),
    onEmpty,
  }),
  /** Cases that triggered the retraining (drifters or flagged cases in the training snapshot). */
  problematic: z.strictObject({
    /** fails when any such case's Dice in any region drops by more than this against production */
    maxDiceDrop: unit,
    onEmpty,
  }),
  /** Locked hold-out sets with no approved case are "not evaluated"; at least this many sets must be evaluated. */
  holdouts: z.strictObject({ minEvaluatedSets: z.number().int().min(0).max(20) }),
  bootstrap: z.strictObject({
    resamples: z.number().int().min(200).max(20_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
  }),
  /** Shadow report: a case is listed for review when its agreement with production is below this in any region. */
  shadow: z.strictObject({ disagreementDice: unit }),
  /** Automatic canary rollback, checked after each canary case. */
  canary: z.strictObject({
    /** canary cases needed before the rates are compared */
    minCases: z.number().int().min(1).max(10_000),
    /** roll back when canary flag rate > production flag rate + this */
    flagRateMargin: unit,
    /** roll back when canary drifter rate > production drifter rate + this */
    driftRateMargin: unit,
  }),
});

export type CriteriaConfig = z.infer<typeof criteriaConfigSchema>;

/** Version 1, seeded on a fresh installation. Figures in the range published BraTS glioma models reach. */
export const DEFAULT_CRITERIA: CriteriaConfig = {
  minimums: {
    WT: { dice: 0.8, lwDice: 0.7, lesionF1: 0.6 },
    TC: { dice: 0.7, lwDice: 0.6, lesionF1: 0.5 },
    ET: { dice: 0.6, lwDice: 0.5, lesionF1: 0.5 },
  },
  regression: { metrics: ['dice', 'lw_dice'], margin: 0.01, confidence: 0.95 },
  drifter: { regions: ['WT', 'TC', 'ET'], minMeanImprovement: 0, requireCiAboveZero: false, onEmpty: 'pass' },
  problematic: { maxDiceDrop: 0.05, onEmpty: 'pass' },
  holdouts: { minEvaluatedSets: 1 },
  bootstrap: { resamples: 2000, seed: 1 },
  shadow: { disagreementDice: 0.8 },
  canary: { minCases: 20, flagRateMargin: 0.05, driftRateMargin: 0.1 },
};

/** Input of the edit form: the full configuration plus why it changed (stored with the version's audit event). */
export const criteriaEditSchema = z.strictObject({
  config: criteriaConfigSchema,
  reason: z.string().trim().min(3, 'Say why the criteria change').max(2000),
});
export type CriteriaEdit = z.infer<typeof criteriaEditSchema>;
