import 'server-only';
import type { RegionName } from '@/lib/labels';
import type { CriteriaConfig } from '@/lib/schemas/criteria';
import { REGIONS } from './aggregate';
import type { CriterionResult, CriterionStatus, OverallVerdict, PerCaseRecord, SetAggregate } from './types';

/**
 * Pure: the acceptance gate. Applies a criteria configuration to aggregated figures and returns one result per
 * criterion plus the overall verdict. The overall verdict is PASS only when no criterion FAILs and no criterion is
 * NOT_EVALUATED under a rule that makes "not evaluated" blocking; every rule states in words what it checked.
 */
const f3 = (v: number) => v.toFixed(3);
/** Boundary values count as met: a figure equal to its threshold up to float rounding (1e-9) is on the passing side. */
const EPS = 1e-9;

interface Base {
  id: string;
  kind: CriterionResult['kind'];
  setKey: string | null;
  region: RegionName | null;
  metric: string | null;
  rule: string;
  threshold: number;
}

function result(base: Base, status: CriterionStatus, extra: Partial<CriterionResult> = {}): CriterionResult {
  return { value: null, ci: null, blocking: false, detail: '', ...base, status, ...extra };
}

function notEvaluated(base: Base, blocking: boolean, detail: string): CriterionResult {
  return result(base, 'NOT_EVALUATED', { blocking, detail });
}

const MIN_METRICS = [
  { key: 'dice', cfg: 'dice', label: 'mean Dice' },
  { key: 'lw_dice', cfg: 'lwDice', label: 'mean lesion-wise Dice' },
  { key: 'lesion_f1', cfg: 'lesionF1', label: 'pooled lesion F1' },
] as const;

export function minimumCriteria(set: SetAggregate, config: CriteriaConfig): CriterionResult[] {
  return REGIONS.flatMap((region) =>
    MIN_METRICS.map(({ key, cfg, label }) => {
      const threshold = config.minimums[region][cfg];
      const base: Base = {
        id: `minimum:${set.key}:${region}:${key}`,
        kind: 'minimum',
        setKey: set.key,
        region,
        metric: key,
        threshold,
        rule: `${region} ${label} of the candidate on ${set.name} >= ${f3(threshold)}`,
      };
      if (!set.regions)
        return notEvaluated(
          base,
          false,
          `${set.name} has no case with an approved ground truth: not evaluated (the hold-out coverage rule counts evaluated sets).`,
        );
      const stats = set.regions[region].candidate;
      const value = key === 'lesion_f1' ? stats.lesion_f1 : stats[key].estimate;
      const ci = key === 'lesion_f1' ? null : { lower: stats[key].lower, upper: stats[key].upper };
      return result(base, value >= threshold - EPS ? 'PASS' : 'FAIL', { value, ci, detail: `n = ${set.n}` });
    }),
  );
}

export function regressionCriteria(set: SetAggregate, config: CriteriaConfig): CriterionResult[] {
  const { margin, confidence, metrics } = config.regression;
  return REGIONS.flatMap((region) =>
    metrics.map((metric) => {
      const base: Base = {
        id: `regression:${set.key}:${region}:${metric}`,
        kind: 'regression',
        setKey: set.key,
        region,
        metric,
        threshold: -margin,
        rule: `${region} ${metric}: lower bound of the ${Math.round(confidence * 100)}% CI of mean(candidate - production) on ${set.name} > ${f3(-margin)}`,
      };
      if (!set.regions)
        return notEvaluated(
          base,
          false,
          `${set.name} has no case with an approved ground truth: not evaluated (the hold-out coverage rule counts evaluated sets).`,
        );
      const d = set.regions[region].difference;
      if (!d) return notEvaluated(base, false, 'No production model to compare against: non-inferiority is not applicable.');
      const ci = d[metric];
      return result(base, ci.lower > -margin - EPS ? 'PASS' : 'FAIL', {
        value: ci.estimate,
        ci: { lower: ci.lower, upper: ci.upper },
        detail: `n = ${set.n}`,
      });
    }),
  );
}

export function holdoutCoverageCriterion(holdouts: SetAggregate[], config: CriteriaConfig): CriterionResult {
  const need = config.holdouts.minEvaluatedSets;
  const evaluated = holdouts.filter((s) => s.evaluated);
  const base: Base = {
    id: 'holdouts:evaluated',
    kind: 'holdouts',
    setKey: null,
    region: null,
    metric: 'evaluated_sets',
    threshold: need,
    rule: `at least ${need} locked hold-out set(s) with approved cases evaluated`,
  };
  const names = holdouts.map((s) => `${s.name}: ${s.evaluated ? `${s.n} cases` : 'not evaluated'}`).join('; ');
  return result(base, evaluated.length >= need ? 'PASS' : 'FAIL', {
    value: evaluated.length,
    detail: names || 'no locked hold-out set exists',
  });
}

export function drifterCriteria(drifters: SetAggregate[], config: CriteriaConfig, hasBaseline: boolean): CriterionResult[] {
  const { minMeanImprovement, requireCiAboveZero, onEmpty, regions } = config.drifter;
  const rule = (name: string) =>
    `mean over cases of mean over ${regions.join('/')} of (candidate - production) Dice on ${name} > ${f3(minMeanImprovement)}` +
    (requireCiAboveZero ? ', and the lower CI bound > 0' : '');
  const emptyDetail = `not evaluated; rule for an empty drifter hold-out: counts as ${onEmpty}`;
  if (drifters.length === 0) {
    return [
      notEvaluated(
        {
          id: 'drifter:none',
          kind: 'drifter',
          setKey: null,
          region: null,
          metric: 'dice',
          threshold: minMeanImprovement,
          rule: rule('the drifter hold-out'),
        },
        onEmpty === 'fail',
        `No drifter hold-out set exists: ${emptyDetail}.`,
      ),
    ];
  }
  return drifters.map((set) => {
    const base: Base = {
      id: `drifter:${set.key}`,
      kind: 'drifter',
      setKey: set.key,
      region: null,
      metric: 'dice',
      threshold: minMeanImprovement,
      rule: rule(set.name),
    };
    if (!set.evaluated)
      return notEvaluated(base, onEmpty === 'fail', `${set.name} has no case with an approved ground truth: ${emptyDetail}.`);
    if (!hasBaseline || !set.improvement)
      return notEvaluated(base, false, 'No production model to compare against: improvement is not applicable.');
    const imp = set.improvement;
    const ok = imp.estimate > minMeanImprovement && (!requireCiAboveZero || imp.lower > 0);
    return result(base, ok ? 'PASS' : 'FAIL', { value: imp.estimate, ci: { lower: imp.lower, upper: imp.upper }, detail: `n = ${set.n}` });
  });
}

/** Largest Dice drop (production - candidate) over the regions of one case. */
export function worstDrop(r: PerCaseRecord): number {
  return Math.max(...REGIONS.map((g) => r.baseline!.metrics[g].dice - r.candidate.metrics[g].dice));
}

export function problematicCriterion(records: PerCaseRecord[], config: CriteriaConfig, hasBaseline: boolean): CriterionResult {
  const { maxDiceDrop, onEmpty } = config.problematic;
  const base: Base = {
    id: 'problematic:cases',
    kind: 'problematic',
    setKey: 'problematic',
    region: null,
    metric: 'dice',
    threshold: maxDiceDrop,
    rule: `no previously problematic case loses more than ${f3(maxDiceDrop)} Dice in any region against production`,
  };
  if (records.length === 0)
    return notEvaluated(
      base,
      onEmpty === 'fail',
      `No drifter or flagged case in the training snapshot: not evaluated; rule for none: counts as ${onEmpty}.`,
    );
  if (!hasBaseline) return notEvaluated(base, false, 'No production model to compare against: not applicable.');
  const drops = records.map((r) => ({ r, drop: worstDrop(r) }));
  const worse = drops.filter((d) => d.drop > maxDiceDrop + EPS);
  const value = Math.max(...drops.map((d) => d.drop));
  return result(base, worse.length === 0 ? 'PASS' : 'FAIL', {
    value,
    detail: `${records.length} cases; ${worse.length} got worse by more than ${f3(maxDiceDrop)}`,
    cases: worse.map((d) => d.r.externalId),
  });
}

/** No hold-out case may be in the training snapshot (TRAIN or VAL split): else the hold-out figures are not evidence. */
export function leakageCriterion(leakage: JudgeInput['leakage']): CriterionResult {
  const base: Base = {
    id: 'holdouts:leakage',
    kind: 'holdouts',
    setKey: null,
    region: null,
    metric: 'leaked_cases',
    threshold: 0,
    rule: 'no locked hold-out or drifter hold-out case is in the training snapshot',
  };
  if (!leakage.checked) return notEvaluated(base, false, 'The candidate records no training snapshot: lineage cannot be checked.');
  const n = leakage.leaked.length;
  return result(base, n === 0 ? 'PASS' : 'FAIL', {
    value: n,
    detail: n === 0 ? 'none of the hold-out cases is in the training snapshot' : `${n} hold-out case(s) were used for training`,
    cases: leakage.leaked,
  });
}

export interface JudgeInput {
  sets: SetAggregate[];
  records: PerCaseRecord[];
  hasBaseline: boolean;
  leakage: { checked: boolean; leaked: string[] };
}

export function judge(config: CriteriaConfig, input: JudgeInput): { results: CriterionResult[]; verdict: OverallVerdict } {
  const holdouts = input.sets.filter((s) => s.kind === 'HOLDOUT_INTERNAL' || s.kind === 'HOLDOUT_EXTERNAL');
  const drifters = input.sets.filter((s) => s.kind === 'DRIFTER');
  const problematicKeys = new Set(input.sets.filter((s) => s.kind === 'PROBLEMATIC').map((s) => s.key));
  const results = [
    ...holdouts.flatMap((s) => minimumCriteria(s, config)),
    ...holdouts.flatMap((s) => regressionCriteria(s, config)),
    holdoutCoverageCriterion(holdouts, config),
    leakageCriterion(input.leakage),
    ...drifterCriteria(drifters, config, input.hasBaseline),
    problematicCriterion(
      input.records.filter((r) => problematicKeys.has(r.setKey)),
      config,
      input.hasBaseline,
    ),
  ];
  return { results, verdict: overallVerdict(results) };
}

export function overallVerdict(results: CriterionResult[]): OverallVerdict {
  return results.some((r) => r.status === 'FAIL' || (r.status === 'NOT_EVALUATED' && r.blocking)) ? 'FAIL' : 'PASS';
}
