import type { CriterionResult, SetAggregate } from '@/lib/server/evaluation/types';
import { VerdictBadge } from './VerdictBadge';
import { ciText, f3 } from './format';

const REGIONS = ['WT', 'TC', 'ET'] as const;

/** Per set and region: production vs candidate, the paired difference with its CI, and that row's criteria. */
export function SetSummaryTable({ sets, results, confidence }: { sets: SetAggregate[]; results: CriterionResult[]; confidence: number }) {
  const ciLabel = `${Math.round(confidence * 100)}% CI`;
  return (
    <div className="space-y-6">
      {sets.map((s) => (
        <section
          key={s.key}
          aria-label={`Set ${s.name}`}
          data-testid={`set-${s.name}`}
          className="rounded-lg border border-slate-200 bg-white"
        >
          <header className="flex items-baseline justify-between border-b border-slate-100 px-3 py-2">
            <h3 className="font-medium">
              {s.name}{' '}
              <span className="text-xs font-normal text-slate-500">
                {s.kind}
                {s.locked ? ', locked' : ''}
              </span>
            </h3>
            <span className="text-sm text-slate-600">
              {s.evaluated ? `${s.n} cases` : 'not evaluated: no case with an approved ground truth'}
            </span>
          </header>
          {s.regions && (
            <table className="w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-3 py-1.5">Region</th>
                  <th className="px-3 py-1.5">Production Dice ({ciLabel})</th>
                  <th className="px-3 py-1.5">Candidate Dice</th>
                  <th className="px-3 py-1.5">Difference</th>
                  <th className="px-3 py-1.5">Candidate LW Dice</th>
                  <th className="px-3 py-1.5">Lesion F1</th>
                  <th className="px-3 py-1.5">Criteria</th>
                </tr>
              </thead>
              <tbody>
                {REGIONS.map((g) => {
                  const r = s.regions![g];
                  const mine = results.filter((c) => c.setKey === s.key && c.region === g);
                  return (
                    <tr key={g} className="border-t border-slate-100 tabular-nums">
                      <th scope="row" className="px-3 py-1.5">
                        {g}
                      </th>
                      <td className="px-3 py-1.5">{ciText(r.baseline?.dice)}</td>
                      <td className="px-3 py-1.5">{ciText(r.candidate.dice)}</td>
                      <td className="px-3 py-1.5">{ciText(r.difference?.dice, true)}</td>
                      <td className="px-3 py-1.5">{ciText(r.candidate.lw_dice)}</td>
                      <td className="px-3 py-1.5">{f3(r.candidate.lesion_f1)}</td>
                      <td className="space-x-1 px-3 py-1.5">
                        {mine.map((c) => (
                          <span key={c.id} title={c.rule} className="inline-flex items-center gap-1 text-xs">
                            {c.metric}
                            <VerdictBadge verdict={c.status} blocking={c.blocking} />
                          </span>
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {s.improvement && (
            <p className="px-3 py-2 text-sm">
              Improvement (mean over regions of candidate − production Dice): {ciText(s.improvement, true)}
            </p>
          )}
        </section>
      ))}
    </div>
  );
}
