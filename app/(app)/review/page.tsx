import { z } from 'zod';
import { requirePageUser } from '@/lib/server/auth/session';
import { listQueueSites, listReviewQueue } from '@/lib/server/labels/queue';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { FLAG_REASONS } from '@/lib/flags';
import { ReviewFilters } from '@/components/review/ReviewFilters';
import { ReviewTable } from '@/components/review/ReviewTable';

export const dynamic = 'force-dynamic';

const filterSchema = z.object({
  reason: z
    .enum(['DRIFT', ...FLAG_REASONS])
    .or(z.literal(''))
    .catch(''),
  site: z.string().max(100).catch(''),
  assignment: z.enum(['all', 'mine', 'unassigned']).catch('all'),
});

export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser('review:view');
  const raw = await searchParams;
  const f = filterSchema.parse({ reason: raw.reason ?? '', site: raw.site ?? '', assignment: raw.assignment ?? 'all' });
  const [items, sites] = await Promise.all([
    listReviewQueue({ reason: f.reason || undefined, site: f.site || undefined, assignment: f.assignment, userId: user.id }),
    listQueueSites(),
  ]);
  const filtered = !!(f.reason || f.site || f.assignment !== 'all');
  return (
    <>
      <PageHeader
        title="Review queue"
        subtitle="Drifters and flagged cases without approved ground truth: flagged first, then by drift score."
      />
      <ReviewFilters values={f} sites={sites} />
      {items.length === 0 ? (
        <EmptyState title={filtered ? 'No case matches these filters' : 'Nothing to review'}>
          Drifters and physician-flagged cases appear here.
        </EmptyState>
      ) : (
        <ReviewTable items={items} viewer={{ id: user.id, canAssign: can(user.role, 'case:assign'), isAdmin: user.role === 'ADMIN' }} />
      )}
    </>
  );
}
