import Link from 'next/link';
import { Badge } from '@/components/ui/Badge';
import { DataTable } from '@/components/ui/DataTable';
import { FLAG_REASON_LABELS } from '@/lib/flags';
import type { ReviewQueueItemDto } from '@/lib/server/labels/queue';
import { AssignButton } from './AssignButton';

export interface ReviewViewer {
  id: string;
  canAssign: boolean;
  isAdmin: boolean;
}

/** The queue in priority order: why each case is here (flags, drift reasons), its label state and who holds it. */
export function ReviewTable({ items, viewer }: { items: ReviewQueueItemDto[]; viewer: ReviewViewer }) {
  return (
    <DataTable<ReviewQueueItemDto>
      label="Review queue"
      rows={items}
      rowKey={(i) => i.caseId}
      columns={[
        {
          header: 'Case',
          cell: (i) => (
            <Link className="text-blue-700 underline" href={`/cases/${i.caseId}`}>
              {i.externalId}
            </Link>
          ),
        },
        { header: 'Site', cell: (i) => i.site ?? '—' },
        {
          header: 'Flags',
          cell: (i) =>
            i.flagCount ? (
              <span className="flex flex-wrap gap-1">
                {i.flagReasons.map((r) => (
                  <Badge key={r} tone="bad">
                    {FLAG_REASON_LABELS[r]}
                  </Badge>
                ))}
                {i.flagCount > i.flagReasons.length && <span className="text-xs text-slate-500">({i.flagCount})</span>}
              </span>
            ) : (
              '—'
            ),
        },
        {
          header: 'Drift',
          cell: (i) =>
            i.driftScore == null ? (
              '—'
            ) : (
              <span title={i.driftReasons.join('\n')}>
                {i.isDrifter ? <Badge tone="warn">drifter</Badge> : 'no'}{' '}
                <span className="text-xs text-slate-500">{i.driftScore.toFixed(2)}</span>
                {i.driftReasons[0] && <span className="block max-w-xs truncate text-xs text-slate-500">{i.driftReasons[0]}</span>}
              </span>
            ),
        },
        { header: 'Label', cell: (i) => i.labelStatus?.toLowerCase().replace('_', ' ') ?? 'none' },
        {
          header: 'Assigned to',
          cell: (i) => (
            <AssignButton
              caseId={i.caseId}
              assignee={i.assignee}
              currentUserId={viewer.id}
              canAssign={viewer.canAssign}
              isAdmin={viewer.isAdmin}
            />
          ),
        },
      ]}
    />
  );
}
