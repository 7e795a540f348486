'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { dismissDicomStudyAction } from '@/lib/actions/dicom';

/** Sets a waiting study aside with a reason (not a tumour study, a test, a duplicate): no case is made. */
export function DismissStudyForm({ studyId }: { studyId: string }) {
  const router = useRouter();
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    const r = await dismissDicomStudyAction({ studyId, reason });
    setPending(false);
    if (r.ok) router.refresh();
    else setError(r.error.fieldErrors ? Object.values(r.error.fieldErrors).flat().join(' ') : r.error.message);
  }

  return (
    <form onSubmit={onSubmit} aria-label="Set the study aside" className="mt-2 flex flex-wrap items-center gap-2 text-sm">
      <input
        aria-label="Reason"
        placeholder="Reason, e.g. not a brain tumour study"
        className="w-80 rounded border border-slate-300 px-2 py-1"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" disabled={pending} className="rounded border border-slate-300 px-3 py-1 disabled:opacity-50">
        Set the study aside
      </button>
      {error && (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}
