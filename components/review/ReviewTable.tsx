import Link from 'next/link';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { ListTable, type ListColumn, type ListView } from '@/components/lists/ListTable';
import { PickCheckbox } from '@/components/datasets/PickCheckbox';
import { FLAG_REASON_LABELS } from '@/lib/flags';
import type { ReviewQueueItemDto } from '@/lib/server/labels/queue';
import { AssignButton } from './AssignButton';

export interface ReviewViewer {
  id: string;
  canAssign: boolean;
  isAdmin: boolean;
}

/**
 * One page of the queue: why each case is here (flags, drift reasons), its label state and who holds it. With
 * `pickFormId` each row gets a tick box for adding cases to a dataset (ML engineers).
 */
export function ReviewTable({
  items,
  viewer,
  view,
  pickFormId,
}: {
  items: ReviewQueueItemDto[];
  viewer: ReviewViewer;
  view: ListView;
  pickFormId?: string;
}) {
  const pick: ListColumn<ReviewQueueItemDto>[] = pickFormId
    ? [{ header: 'Pick', cell: (i) => <PickCheckbox formId={pickFormId} caseId={i.caseId} externalId={i.externalId} /> }]
    : [];
  return (
    <ListTable<ReviewQueueItemDto>
      label="Review queue"
      rows={items}
      rowKey={(i) => i.caseId}
      view={view}
      columns={[
        ...pick,
        {
          header: 'Case',
          sortKey: 'case',
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
          sortKey: 'drift',
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
        { header: 'Received', sortKey: 'received', cell: (i) => formatDateTime(i.createdAt) },
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
