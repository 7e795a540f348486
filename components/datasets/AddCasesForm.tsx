'use client';
import { useState } from 'react';
import { addCasesToDatasetAction } from '@/lib/actions/datasets';
import { Options } from '@/components/ui/Options';

/** Adds cases (by pseudonymised id) to an unlocked dataset; the server refuses anything that would mix train and hold-out. */
export function AddCasesForm({ datasets }: { datasets: { id: string; name: string }[] }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setPending(true);
    const r = await addCasesToDatasetAction({
      datasetId: String(data.get('datasetId')),
      externalIds: String(data.get('externalIds') ?? ''),
    });
    setPending(false);
    if (r.ok) {
      setMessage({
        ok: true,
        text: `Added ${r.data.added} case(s)${r.data.alreadyMembers ? `; ${r.data.alreadyMembers} were already members` : ''}.`,
      });
      form.reset();
    } else setMessage({ ok: false, text: r.error.fieldErrors?.externalIds?.join(', ') ?? r.error.message });
  }
  if (datasets.length === 0) return null;
  return (
    <form onSubmit={onSubmit} aria-label="Add cases to a dataset" className="mt-4 flex max-w-3xl flex-wrap items-end gap-3">
      <label className="flex flex-col gap-1 text-sm">
        Dataset
        <select name="datasetId" className="rounded border border-slate-300 px-2 py-1">
          <Options items={datasets.map((d) => ({ value: d.id, label: d.name }))} />
        </select>
      </label>
      <label className="flex flex-1 flex-col gap-1 text-sm">
        Case ids
        <input name="externalIds" placeholder="CASE-001, CASE-002" className="rounded border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" disabled={pending} className="rounded bg-blue-700 px-3 py-1.5 text-sm text-white disabled:opacity-50">
        Add
      </button>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={`w-full text-sm ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}>
          {message.text}
        </p>
      )}
    </form>
  );
}
