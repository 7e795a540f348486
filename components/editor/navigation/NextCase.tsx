'use client';
import Link from 'next/link';
import { shortcutFor } from '@/lib/editor/shortcuts';

/** After a submit (or on a case already decided): the next case in the review queue, one key away. */
export function NextCase({ next, submitted }: { next: { caseId: string; externalId: string } | null; submitted: boolean }) {
  if (!submitted) return null;
  const key = shortcutFor((c) => c.kind === 'nextCase');
  return (
    <p className="text-sm" data-testid="next-case">
      {next ? (
        <>
          Next in the review queue:{' '}
          <Link className="font-medium underline" href={`/cases/${next.caseId}/edit`}>
            {next.externalId}
          </Link>{' '}
          <span className="text-slate-500">(press {key})</span>
        </>
      ) : (
        <span className="text-slate-500">No other case is waiting in the review queue.</span>
      )}
    </p>
  );
}
