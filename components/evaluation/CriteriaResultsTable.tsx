import type { CriterionResult } from '@/lib/server/evaluation/types';
import { VerdictBadge } from './VerdictBadge';
import { f3 } from './format';

/** Every criterion the gate applied: the rule in words, the figure, its CI and the verdict. */
export function CriteriaResultsTable({ results, setNames }: { results: CriterionResult[]; setNames: Record<string, string> }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" aria-label="Criteria results">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            <th className="px-3 py-2">Criterion</th>
            <th className="px-3 py-2">Set</th>
            <th className="px-3 py-2">Value</th>
            <th className="px-3 py-2">CI</th>
            <th className="px-3 py-2">Verdict</th>
            <th className="px-3 py-2">Detail</th>
          </tr>
        </thead>
        <tbody>
          {results.map((c) => (
            <tr key={c.id} className="border-b border-slate-100 last:border-0" data-criterion={c.id}>
              <td className="px-3 py-1.5">{c.rule}</td>
              <td className="px-3 py-1.5">{c.setKey ? (setNames[c.setKey] ?? c.setKey) : '—'}</td>
              <td className="px-3 py-1.5 tabular-nums">{f3(c.value)}</td>
              <td className="px-3 py-1.5 tabular-nums">{c.ci ? `[${f3(c.ci.lower)}, ${f3(c.ci.upper)}]` : '—'}</td>
              <td className="px-3 py-1.5">
                <VerdictBadge verdict={c.status} blocking={c.blocking} />
              </td>
              <td className="px-3 py-1.5 text-xs text-slate-600">
                {c.detail}
                {c.cases?.length ? ` — cases: ${c.cases.join(', ')}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
