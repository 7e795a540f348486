import 'server-only';
import type { CriterionResult, ModelRegionStats, SetAggregate } from '../../evaluation/types';
import type { BarChart, Block, EvidenceData, Section } from './types';
import { ci, dt, num, ref } from './format';

const REGIONS = ['WT', 'TC', 'ET'] as const;
const METRICS = [
  { key: 'dice', label: 'Dice' },
  { key: 'lw_dice', label: 'Lesion-wise Dice' },
  { key: 'lesion_f1', label: 'Lesion F1' },
] as const;

const status = (c: CriterionResult | undefined) =>
  !c ? '—' : c.status === 'NOT_EVALUATED' ? `NOT EVALUATED${c.blocking ? ' (blocking)' : ''}` : c.status;

function figure(s: ModelRegionStats, key: (typeof METRICS)[number]['key']) {
  return key === 'lesion_f1' ? { value: s.lesion_f1 } : { value: s[key].estimate, lower: s[key].lower, upper: s[key].upper };
}

const evaluatedSets = (d: EvidenceData) => (d.evaluation?.aggregate?.sets ?? []).filter((s) => s.regions);

function noEvaluation(id: string, title: string): Section {
  return { id, title, blocks: [{ kind: 'p', text: 'No finished evaluation of this model: there are no results to report.' }] };
}

/** One table per set: each region's Dice, lesion-wise Dice and lesion F1 beside its minimum and the verdict. */
function setTable(s: SetAggregate, results: CriterionResult[]): Block {
  const rows = REGIONS.flatMap((g) =>
    METRICS.map(({ key, label }) => {
      const c = results.find((r) => r.id === `minimum:${s.key}:${g}:${key}`);
      const stats = s.regions![g].candidate;
      const shown = key === 'lesion_f1' ? num(stats.lesion_f1) : ci(stats[key]);
      return [g, label, shown, c ? `>= ${num(c.threshold)}` : '—', status(c)];
    }),
  );
  return {
    kind: 'table',
    caption: `${s.name} (${s.kind}, ${s.n} cases)`,
    head: ['Region', 'Metric', 'Candidate', 'Required', 'Result'],
    rows,
  };
}

/** Section 4: the pre-set acceptance criteria against the candidate's results, set by set. */
export function acceptanceSection(d: EvidenceData): Section {
  const id = 'acceptance';
  const title = '4. Acceptance criteria and results per set';
  const e = d.evaluation;
  if (!e?.aggregate || !e.criteria) return noEvaluation(id, title);
  const results = e.criteria.results;
  const sets = evaluatedSets(d);
  const chart: BarChart = {
    title: 'Candidate per set and region (whiskers: confidence interval)',
    series: METRICS.map((m) => m.label),
    groups: sets.flatMap((s) =>
      REGIONS.map((g) => ({ label: `${s.name} ${g}`, bars: METRICS.map((m) => figure(s.regions![g].candidate, m.key)) })),
    ),
  };
  const others = results.filter((c) => c.kind !== 'minimum' && c.kind !== 'regression');
  return {
    id,
    title,
    blocks: [
      {
        kind: 'kv',
        rows: [
          ['Evaluation', `${e.id}, finished ${dt(e.finishedAt)}`],
          ['Criteria version', `v${e.criteriaVersion}`],
          ['Overall verdict', e.verdict],
          [
            'Confidence intervals',
            `${Math.round(e.aggregate.confidence * 100)}% percentile bootstrap, ${e.aggregate.resamples} resamples, seed ${e.aggregate.seed}`,
          ],
        ],
      },
      ...(sets.length ? [{ kind: 'chart' as const, chart }] : []),
      ...sets.map((s) => setTable(s, results)),
      ...e.aggregate.sets
        .filter((s) => !s.regions)
        .map((s): Block => ({ kind: 'p', text: `${s.name} (${s.kind}): not evaluated, no case with an approved ground truth.` })),
      {
        kind: 'table',
        caption: 'Further criteria',
        head: ['Criterion', 'Value', 'Result', 'Detail'],
        rows: others.map((c) => [
          c.rule,
          num(c.value),
          status(c),
          [c.detail, c.cases?.length ? `cases: ${c.cases.join(', ')}` : ''].filter(Boolean).join('; '),
        ]),
        empty: 'No further criterion.',
      },
    ],
  };
}

/** Section 5: the candidate against the production model on the same cases (paired differences, non-inferiority). */
export function regressionSection(d: EvidenceData): Section {
  const id = 'regression';
  const title = '5. Regression against production';
  const e = d.evaluation;
  if (!e?.aggregate || !e.criteria) return noEvaluation(id, title);
  const results = e.criteria.results;
  const sets = evaluatedSets(d);
  if (!e.baseline || sets.every((s) => REGIONS.every((g) => !s.regions![g].baseline)))
    return { id, title, blocks: [{ kind: 'p', text: 'No production model to compare against when the evaluation ran.' }] };
  const rows = sets.flatMap((s) =>
    REGIONS.flatMap((g) =>
      (['dice', 'lw_dice'] as const).map((m) => {
        const r = s.regions![g];
        const c = results.find((x) => x.id === `regression:${s.key}:${g}:${m}`);
        return [
          s.name,
          g,
          m === 'dice' ? 'Dice' : 'Lesion-wise Dice',
          ci(r.baseline?.[m]),
          ci(r.candidate[m]),
          ci(r.difference?.[m]),
          c ? `> ${num(c.threshold)}` : '—',
          status(c),
        ];
      }),
    ),
  );
  const chart: BarChart = {
    title: `Mean Dice, production ${e.baseline.name}@${e.baseline.version} against the candidate`,
    series: ['Production', 'Candidate'],
    groups: sets.flatMap((s) =>
      REGIONS.map((g) => {
        const r = s.regions![g];
        return { label: `${s.name} ${g}`, bars: [r.baseline ? figure(r.baseline, 'dice') : null, figure(r.candidate, 'dice')] };
      }),
    ),
  };
  return {
    id,
    title,
    blocks: [
      { kind: 'kv', rows: [['Production model in the evaluation', ref(e.baseline)]] },
      { kind: 'chart', chart },
      {
        kind: 'table',
        head: ['Set', 'Region', 'Metric', 'Production', 'Candidate', 'Difference (CI)', 'Required lower bound', 'Result'],
        rows,
      },
    ],
  };
}
