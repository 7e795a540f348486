'use client';
import { useState, useTransition } from 'react';
import { flagPrediction } from '@/lib/actions/flags';
import { FLAG_NOTE_MAX, FLAG_REASONS, FLAG_REASON_LABELS, type FlagReasonName } from '@/lib/flags';

export interface FlagFormProps {
  caseId: string;
  /** the prediction being flagged; omitted = the one shown to clinicians (returned) */
  predictionId?: string;
}

/** A physician or radiologist flags the prediction they are looking at: a reason and an optional note. */
export function FlagForm({ caseId, predictionId }: FlagFormProps) {
  const [reason, setReason] = useState<FlagReasonName | ''>('');
  const [note, setNote] = useState('');
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<{ ok: boolean; text: string; fields?: Record<string, string[]> } | null>(null);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    startTransition(async () => {
      const r = await flagPrediction({ caseId, predictionId, reason, note });
      if (r.ok) {
        setReason('');
        setNote('');
        setResult({ ok: true, text: 'Flag recorded: the case is in the review queue.' });
      } else {
        setResult({ ok: false, text: r.error.message, fields: r.error.fieldErrors });
      }
    });
  }

  const fieldError = (name: string) => result?.fields?.[name]?.[0];
  return (
    <form onSubmit={submit} aria-label="Flag this prediction" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <fieldset>
        <legend className="mb-1 font-medium">Flag this prediction</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {FLAG_REASONS.map((r) => (
            <label key={r} className="flex items-center gap-1">
              <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
              {FLAG_REASON_LABELS[r]}
            </label>
          ))}
        </div>
        {fieldError('reason') && <p className="mt-1 text-xs text-red-700">{fieldError('reason')}</p>}
      </fieldset>
      <label className="block">
        <span className="block text-xs text-slate-500">Note (optional)</span>
        <textarea
          name="note"
          value={note}
          maxLength={FLAG_NOTE_MAX}
          onChange={(e) => setNote(e.target.value)}
          rows={3}
          className="w-full rounded border border-slate-300 px-2 py-1"
          placeholder="What is wrong, and where?"
        />
        {fieldError('note') && <span className="text-xs text-red-700">{fieldError('note')}</span>}
      </label>
      <button type="submit" disabled={pending || !reason} className="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-50">
        {pending ? 'Flagging…' : 'Flag prediction'}
      </button>
      {result && (
        <p role={result.ok ? 'status' : 'alert'} className={result.ok ? 'text-emerald-700' : 'text-red-700'}>
          {result.text}
        </p>
      )}
    </form>
  );
}
