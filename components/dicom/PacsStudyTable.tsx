'use client';
import { useState, useTransition } from 'react';
import { pullFromPacs } from '@/lib/actions/pacs';

export interface PacsStudyRow {
  studyInstanceUid: string;
  studyKey: string;
  studyDate: string | null;
  description: string | null;
  series: number | null;
  instances: number | null;
  received: boolean;
}

type Outcome = { studyKey: string; status: string; caseId: string | null; reason: string | null };

const date = (d: string | null) => (d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : '—');

/** The PACS's MR studies with a pull per study (or all new ones); what each pull did is shown beside it. */
export function PacsStudyTable({ studies }: { studies: PacsStudyRow[] }) {
  const [pending, startTransition] = useTransition();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [error, setError] = useState<string | null>(null);
  const fresh = studies.filter((s) => !s.received && !outcomes[s.studyKey]);

  function pull(uids: string[]) {
    setError(null);
    startTransition(async () => {
      const r = await pullFromPacs({ studyUids: uids });
      if (!r.ok) return setError(r.error.message);
      setOutcomes((o) => ({ ...o, ...Object.fromEntries(r.data.map((x) => [x.studyKey, x])) }));
    });
  }

  return (
    <div className="space-y-3 text-sm">
      <button
        type="button"
        disabled={pending || fresh.length === 0}
        onClick={() => pull(fresh.slice(0, 50).map((s) => s.studyInstanceUid))}
        className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-50"
      >
        {pending ? 'Pulling…' : `Pull all new studies (${fresh.length})`}
      </button>
      {error && (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      )}
      <table className="w-full rounded-lg border border-slate-200 bg-white text-left" aria-label="PACS studies">
        <thead className="border-b bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            <th className="px-3 py-2">Study date</th>
            <th className="px-3 py-2">Description</th>
            <th className="px-3 py-2">Series / images</th>
            <th className="px-3 py-2">In TumorWatch</th>
          </tr>
        </thead>
        <tbody>
          {studies.map((s) => {
            const o = outcomes[s.studyKey];
            return (
              <tr key={s.studyKey} className="border-b border-slate-100 last:border-0">
                <td className="px-3 py-2">{date(s.studyDate)}</td>
                <td className="px-3 py-2">{s.description ?? '—'}</td>
                <td className="px-3 py-2">
                  {s.series ?? '?'} / {s.instances ?? '?'}
                </td>
                <td className="px-3 py-2" data-testid="pacs-study-state">
                  {o ? (
                    <span>
                      {o.status}
                      {o.caseId && (
                        <>
                          {' '}
                          <a className="text-blue-700 underline" href={`/cases/${o.caseId}`}>
                            open case
                          </a>
                        </>
                      )}
                      {o.reason && <span className="block text-xs text-slate-500">{o.reason}</span>}
                    </span>
                  ) : s.received ? (
                    'received'
                  ) : (
                    <button type="button" disabled={pending} onClick={() => pull([s.studyInstanceUid])} className="text-blue-700 underline">
                      Pull
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
