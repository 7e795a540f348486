import type { CriteriaConfig } from '@/lib/schemas/criteria';
import type { DatasetDetailDto } from '@/lib/server/datasets/member-list';

/**
 * What the evaluation gate does with this dataset, stated from the gate's own rules (lib/server/evaluation/cases.ts
 * picks the sets and cases, verdict.ts judges them) and the active acceptance criteria's figures.
 */
export function HoldoutRules({ dataset, criteria }: { dataset: DatasetDetailDto; criteria: { version: number; config: CriteriaConfig } }) {
  const approved = dataset.labelStates.APPROVED ?? 0;
  const { holdouts, drifter } = criteria.config;
  const scored = `Only members with an approved label are scored: ${approved} of ${dataset.members} here.`;
  const leakage = 'No member may be in the candidate’s training snapshot: the leakage criterion fails the gate otherwise.';
  let rules: string[];
  if (dataset.kind === 'HOLDOUT_INTERNAL' || dataset.kind === 'HOLDOUT_EXTERNAL') {
    rules = [
      dataset.locked
        ? 'Locked: the gate scores every candidate and the production model on this set. Its membership is frozen, and every read of it is audited.'
        : 'Not locked: the gate ignores this set entirely until it is locked. Locking is one-way and freezes its membership.',
      scored,
      `A locked hold-out with no approved member is reported “not evaluated”: its minimum-performance and non-inferiority criteria are skipped, and the coverage rule needs at least ${holdouts.minEvaluatedSets} locked hold-out set(s) evaluated, or the gate fails.`,
      leakage,
    ];
  } else if (dataset.kind === 'DRIFTER') {
    rules = [
      'The drifter hold-out is scored whether locked or not: it grows with every retraining.',
      scored,
      `The candidate must beat production on it: mean ${drifter.regions.join('/')} Dice improvement above ${drifter.minMeanImprovement}${drifter.requireCiAboveZero ? ', with the confidence interval’s lower bound above 0' : ''}.`,
      `Empty (no approved member): the rule counts as ${drifter.onEmpty === 'fail' ? 'failed, and blocks the promotion' : 'passed'}.`,
      leakage,
    ];
  } else {
    rules = [
      'Training set: snapshots take its members with an approved label; the gate never scores it.',
      'A case in it can never join a hold-out, nor a hold-out case join it.',
    ];
  }
  return (
    <section aria-labelledby="gate-rules" className="mb-6 rounded border border-slate-200 bg-white p-4 text-sm">
      <h2 id="gate-rules" className="mb-2 font-semibold">
        What the evaluation gate requires of this set
      </h2>
      <ul className="list-inside list-disc space-y-1 text-slate-700">
        {rules.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-500">Figures from acceptance criteria version {criteria.version}.</p>
    </section>
  );
}
