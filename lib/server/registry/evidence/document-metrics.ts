import 'server-only';
import type { Block, EvidenceData, Section } from './types';
import { ci, dt, num, ref } from './format';

/** Section 4: every figure of the evaluation with its CI, and each criterion's verdict with the rule it applied. */
export function metricsSection(d: EvidenceData): Section {
  const e = d.evaluation;
  const title = '4. Metrics against the acceptance criteria';
  if (!e || !e.aggregate || !e.criteria)
    return { id: 'metrics', title, blocks: [{ kind: 'p', text: 'No finished evaluation of this model.' }] };
  const conf = Math.round(e.aggregate.confidence * 100);
  const rows: string[][] = [];
  for (const s of e.aggregate.sets) {
    if (!s.regions) {
      rows.push([s.name, s.kind, '0', '—', 'not evaluated (no approved case)', '', '', '', '']);
      continue;
    }
    for (const g of ['WT', 'TC', 'ET'] as const) {
      const r = s.regions[g];
      rows.push([
        s.name,
        s.kind,
        String(s.n),
        g,
        ci(r.baseline?.dice),
        ci(r.candidate.dice),
        ci(r.difference?.dice),
        ci(r.candidate.lw_dice),
        num(r.candidate.lesion_f1),
      ]);
    }
  }
  const blocks: Block[] = [
    {
      kind: 'kv',
      rows: [
        ['Evaluation', `${e.id} (finished ${dt(e.finishedAt)})`],
        ['Baseline (production)', ref(e.baseline)],
        ['Criteria version', `v${e.criteriaVersion}`],
        ['Overall verdict', e.verdict],
        ['Confidence intervals', `${conf}% percentile bootstrap, ${e.aggregate.resamples} resamples, seed ${e.aggregate.seed}`],
      ],
    },
    {
      kind: 'table',
      head: ['Set', 'Kind', 'n', 'Region', 'Production Dice', 'Candidate Dice', 'Difference', 'Candidate LW Dice', 'Lesion F1'],
      rows,
    },
    {
      kind: 'table',
      head: ['Criterion', 'Value', 'CI', 'Verdict', 'Detail'],
      rows: e.criteria.results.map((c) => [
        c.rule,
        num(c.value),
        c.ci ? `[${num(c.ci.lower)}, ${num(c.ci.upper)}]` : '—',
        c.status === 'NOT_EVALUATED' ? `NOT EVALUATED${c.blocking ? ' (blocking)' : ''}` : c.status,
        [c.detail, c.cases?.length ? `cases: ${c.cases.join(', ')}` : ''].filter(Boolean).join('; '),
      ]),
    },
  ];
  return { id: 'metrics', title, blocks };
}
