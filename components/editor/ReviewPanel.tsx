'use client';
import { useState } from 'react';
import type { LabelStateDto } from '@/lib/server/labels/queries';
import { Badge } from '@/components/ui/Badge';

export interface ReviewPanelProps {
  state: LabelStateDto;
  userId: string;
  /** true when the working mask is the saved head with no unsaved edits: decisions apply to what is on screen */
  onHead: boolean;
  busy: boolean;
  onSubmit(): void;
  onApprove(): void;
  onReturn(comment: string): void;
}

const TONE = { DRAFT: 'neutral', IN_REVIEW: 'info', RETURNED: 'warn', APPROVED: 'good' } as const;

/** Authors of edits in the head's ancestry (the server enforces the same rule; this only explains the disabled button). */
function contributors(state: LabelStateDto): Set<string> {
  const byId = new Map(state.versions.map((v) => [v.id, v]));
  const out = new Set<string>();
  for (let v = byId.get(state.label?.headVersionId ?? ''); v; v = v.parentId ? byId.get(v.parentId) : undefined)
    if (v.source !== 'MODEL') out.add(v.authorId);
  return out;
}

export function ReviewPanel(p: ReviewPanelProps) {
  const [comment, setComment] = useState('');
  const label = p.state.label;
  if (!label?.headVersionId) return <p className="text-sm text-slate-500">Save a version to submit it for review.</p>;
  const ownWork = contributors(p.state).has(p.userId) && !p.state.singleReader;
  const dice = label.approvalDice;
  return (
    <div className="flex flex-col gap-2 text-sm">
      <p>
        Status:{' '}
        <span data-testid="label-status">
          <Badge tone={TONE[label.status]}>{label.status.replace('_', ' ')}</Badge>
        </span>
        {label.reviewerName && label.status !== 'DRAFT' && label.status !== 'IN_REVIEW' && (
          <span className="text-xs text-slate-500"> by {label.reviewerName}</span>
        )}
      </p>
      {label.status === 'RETURNED' && label.reviewComment && (
        <p className="rounded bg-amber-50 p-2 text-amber-900" data-testid="review-comment">
          Returned: {label.reviewComment}
        </p>
      )}
      {label.status === 'APPROVED' && dice && (
        <p className="text-xs" data-testid="approval-dice">
          Ground truth. Dice vs {dice.modelVersion}: WT {dice.WT.toFixed(3)} · TC {dice.TC.toFixed(3)} · ET {dice.ET.toFixed(3)}
        </p>
      )}
      {(label.status === 'DRAFT' || label.status === 'RETURNED') && (
        <button
          type="button"
          className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-40"
          disabled={p.busy || !p.onHead}
          onClick={p.onSubmit}
          title={p.onHead ? 'Ask a second radiologist to review the head version' : 'Save your edits first'}
        >
          Submit for review
        </button>
      )}
      {label.status === 'IN_REVIEW' && (
        <div className="flex flex-col gap-2">
          <button
            type="button"
            className="rounded bg-emerald-700 px-3 py-1 text-white disabled:opacity-40"
            disabled={p.busy || !p.onHead || ownWork}
            onClick={p.onApprove}
            title={ownWork ? 'You edited this label: a second radiologist must approve it' : 'Approve the head version as ground truth'}
          >
            Approve
          </button>
          {ownWork && <p className="text-xs text-slate-500">You edited this label, so a second radiologist must approve it.</p>}
          <textarea
            aria-label="Review comment"
            className="rounded border border-slate-300 p-1"
            rows={2}
            placeholder="What needs to change?"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <button
            type="button"
            className="rounded border border-amber-600 px-3 py-1 text-amber-800 disabled:opacity-40"
            disabled={p.busy || !comment.trim()}
            onClick={() => p.onReturn(comment)}
          >
            Return with comment
          </button>
        </div>
      )}
    </div>
  );
}
