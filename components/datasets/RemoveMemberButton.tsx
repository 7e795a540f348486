'use client';
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { removeCaseFromDatasetAction } from '@/lib/actions/datasets';

/** Removes one member of an unlocked dataset (the server refuses a locked one); audited as dataset.members.remove. */
export function RemoveMemberButton({ datasetId, caseId, externalId }: { datasetId: string; caseId: string; externalId: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const onClick = () =>
    startTransition(async () => {
      if (!window.confirm(`Remove ${externalId} from this dataset?`)) return;
      setError(null);
      const r = await removeCaseFromDatasetAction({ datasetId, caseId });
      if (!r.ok) setError(r.error.message);
      else router.refresh();
    });
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={onClick}
        disabled={pending}
        aria-label={`Remove ${externalId}`}
        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50"
      >
        Remove
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
