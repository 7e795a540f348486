'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { assignDicomStudyAction } from '@/lib/actions/dicom';

const SEQUENCES = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
type Sequence = (typeof SEQUENCES)[number];

export interface AssignableSeries {
  id: string;
  label: string;
  proposedRole: string | null;
  usable: boolean;
}

/** One select per sequence over the study's converted series, preset to what the rules proposed. */
export function AssignSeriesForm({ studyId, series }: { studyId: string; series: AssignableSeries[] }) {
  const router = useRouter();
  const usable = series.filter((s) => s.usable);
  const initial = Object.fromEntries(
    SEQUENCES.map((m) => [m, usable.filter((s) => s.proposedRole === m).length === 1 ? usable.find((s) => s.proposedRole === m)!.id : '']),
  ) as Record<Sequence, string>;
  const [choice, setChoice] = useState(initial);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    const r = await assignDicomStudyAction({ studyId, ...choice });
    setPending(false);
    // The study leaves this list once its case exists, so a message here would vanish: open the new case instead.
    if (r.ok) {
      setMessage({ ok: true, text: `Case ${r.data.externalId} created; opening it.` });
      router.push(`/cases/${r.data.caseId}`);
    } else setMessage({ ok: false, text: r.error.fieldErrors ? Object.values(r.error.fieldErrors).flat().join(' ') : r.error.message });
  }

  return (
    <form onSubmit={onSubmit} aria-label="Assign series" className="mt-3 flex flex-wrap items-end gap-3 text-sm">
      {SEQUENCES.map((m) => (
        <label key={m} className="flex flex-col gap-1">
          <span className="font-medium">{m}</span>
          <select
            aria-label={m}
            className="rounded border border-slate-300 px-2 py-1"
            value={choice[m]}
            onChange={(e) => setChoice({ ...choice, [m]: e.target.value })}
          >
            <option value="">choose a series</option>
            {usable.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-3 py-1.5 text-white disabled:opacity-50">
        {pending ? 'Creating…' : 'Create the case'}
      </button>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-green-700' : 'text-red-700'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
