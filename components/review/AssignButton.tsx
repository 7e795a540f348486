'use client';
import { useState, useTransition } from 'react';
import { assignCaseToMe, unassignCase } from '@/lib/actions/review';

export interface AssignButtonProps {
  caseId: string;
  assignee: { id: string; name: string } | null;
  currentUserId: string;
  /** the viewer may assign (radiologist or administrator) */
  canAssign: boolean;
  /** administrators may release anyone's case */
  isAdmin: boolean;
}

/** "Assign to me" / "Unassign", or who holds the case; the server refuses a case someone else already holds. */
export function AssignButton({ caseId, assignee, currentUserId, canAssign, isAdmin }: AssignButtonProps) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const mine = assignee?.id === currentUserId;
  const run = (action: (input: { caseId: string }) => Promise<{ ok: true } | { ok: false; error: { message: string } }>) =>
    startTransition(async () => {
      setError(null);
      const r = await action({ caseId });
      if (!r.ok) setError(r.error.message);
    });
  const button = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50';
  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        {assignee && <span>{mine ? 'You' : assignee.name}</span>}
        {canAssign && !assignee && (
          <button type="button" className={button} disabled={pending} onClick={() => run(assignCaseToMe)}>
            Assign to me
          </button>
        )}
        {canAssign && assignee && (mine || isAdmin) && (
          <button type="button" className={button} disabled={pending} onClick={() => run(unassignCase)}>
            Unassign
          </button>
        )}
        {!assignee && !canAssign && <span className="text-slate-400">unassigned</span>}
      </div>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
