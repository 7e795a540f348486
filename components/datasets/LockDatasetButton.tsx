'use client';
import { useState } from 'react';
import { lockDatasetAction } from '@/lib/actions/datasets';

export function LockDatasetButton({ datasetId, name }: { datasetId: string; name: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function onClick() {
    if (!window.confirm(`Lock "${name}"? Its membership is frozen for good and no training run may ever read it.`)) return;
    setPending(true);
    const r = await lockDatasetAction({ datasetId });
    setPending(false);
    if (!r.ok) setError(r.error.message);
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={onClick}
        disabled={pending}
        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50"
      >
        {pending ? 'Locking…' : 'Lock'}
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
