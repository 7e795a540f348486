'use client';
import { useMemo, useState } from 'react';
import type { ComparisonRowDto } from '@/lib/server/evaluation/compare';
import { f3, signed } from './format';

type Region = 'WT' | 'TC' | 'ET';
type SortKey = 'diff' | 'candidate' | 'baseline' | 'case';

/** Per-case figures of one region, sortable (worst regression first by default); a click opens the case in the viewer. */
export function PerCaseTable({
  rows,
  region,
  selected,
  onSelect,
}: {
  rows: ComparisonRowDto[];
  region: Region;
  selected: string | null;
  onSelect: (row: ComparisonRowDto) => void;
}) {
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'diff', asc: true });
  const sorted = useMemo(() => {
    const val = (r: ComparisonRowDto): number | string => {
      const g = r.regions[region];
      return sort.key === 'case'
        ? r.externalId
        : sort.key === 'diff'
          ? (g.diff ?? 0)
          : sort.key === 'candidate'
            ? g.candidate
            : (g.baseline ?? 0);
    };
    return [...rows].sort((a, b) => {
      const x = val(a),
        y = val(b);
      const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
      return sort.asc ? c : -c;
    });
  }, [rows, region, sort]);
  const header = (key: SortKey, label: string) => (
    <th scope="col" className="px-3 py-2" aria-sort={sort.key === key ? (sort.asc ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="uppercase hover:underline"
        onClick={() => setSort((s) => ({ key, asc: s.key === key ? !s.asc : true }))}
      >
        {label}
        {sort.key === key ? (sort.asc ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  return (
    <div className="max-h-[28rem] overflow-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" aria-label="Per-case results">
        <thead className="sticky top-0 bg-slate-50 text-xs text-slate-500">
          <tr>
            {header('case', 'Case')}
            <th scope="col" className="px-3 py-2 uppercase">
              Set
            </th>
            {header('baseline', `Production ${region}`)}
            {header('candidate', `Candidate ${region}`)}
            {header('diff', 'Difference')}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const g = r.regions[region];
            return (
              <tr
                key={r.key}
                onClick={() => onSelect(r)}
                data-case={r.externalId}
                className={`cursor-pointer border-t border-slate-100 tabular-nums hover:bg-blue-50 ${selected === r.key ? 'bg-blue-100' : ''}`}
              >
                <td className="px-3 py-1.5">
                  <button
                    type="button"
                    className="text-blue-700 underline"
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(r);
                    }}
                  >
                    {r.externalId}
                  </button>
                </td>
                <td className="px-3 py-1.5 text-xs">{r.setName}</td>
                <td className="px-3 py-1.5">{f3(g.baseline)}</td>
                <td className="px-3 py-1.5">{f3(g.candidate)}</td>
                <td className={`px-3 py-1.5 ${(g.diff ?? 0) < 0 ? 'text-red-700' : 'text-emerald-700'}`}>{signed(g.diff)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
