import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { listReviewQueue, type ReviewQueueItemDto } from '@/lib/server/labels/queue';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';

export const dynamic = 'force-dynamic';

export default async function ReviewPage() {
  await requirePageUser('review:view');
  const items = await listReviewQueue();
  return (
    <>
      <PageHeader title="Review queue" subtitle="Drifters and flagged cases without approved ground truth: flagged first, then by drift score." />
      {items.length === 0 ? (
        <EmptyState title="Nothing to review">Drifters and physician-flagged cases appear here.</EmptyState>
      ) : (
        <DataTable<ReviewQueueItemDto>
          label="Review queue"
          rows={items}
          rowKey={(i) => i.caseId}
          columns={[
            { header: 'Case', cell: (i) => <Link className="text-blue-700 underline" href={`/cases/${i.caseId}`}>{i.externalId}</Link> },
            { header: 'Site', cell: (i) => i.site ?? '—' },
            { header: 'Flags', cell: (i) => (i.flagCount ? <Badge tone="bad">{i.flagReasons.join(', ')}</Badge> : '—') },
            { header: 'Drift score', cell: (i) => (i.driftScore == null ? '—' : i.driftScore.toFixed(2)) },
            { header: 'Drifter', cell: (i) => (i.isDrifter ? <Badge tone="warn">yes</Badge> : 'no') },
            { header: 'Label', cell: (i) => i.labelStatus ?? 'none' },
            { header: 'Assigned to', cell: (i) => i.assignee ?? '—' },
          ]}
        />
      )}
    </>
  );
}
