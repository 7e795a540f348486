import Link from 'next/link';
import { z } from 'zod';
import { requirePageUser } from '@/lib/server/auth/session';
import { listQueueSites } from '@/lib/server/labels/queue';
import { listReviewQueuePage, QUEUE_SORTS } from '@/lib/server/labels/queue-page';
import { listDatasets } from '@/lib/server/datasets/queries';
import { can } from '@/lib/permissions';
import { listHref, listState, param, parseListParams, type SearchParams } from '@/lib/lists';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { FLAG_REASONS } from '@/lib/flags';
import { ReviewFilters } from '@/components/review/ReviewFilters';
import { ReviewTable } from '@/components/review/ReviewTable';
import { Pager } from '@/components/lists/Pager';
import type { ListView } from '@/components/lists/ListTable';
import { PickCasesBar } from '@/components/datasets/PickCasesBar';

export const dynamic = 'force-dynamic';

const PICK_FORM = 'pick-queue-cases';

const filterSchema = z.object({
  reason: z
    .enum(['DRIFT', ...FLAG_REASONS])
    .or(z.literal(''))
    .catch(''),
  site: z.string().max(100).catch(''),
  assignment: z.enum(['all', 'mine', 'unassigned']).catch('all'),
  // case ids from a monitoring alert's link; malformed ids fall back to no filter, like every other list param
  cases: z
    .string()
    .regex(/^[\w-]{1,64}(,[\w-]{1,64}){0,199}$/)
    .or(z.literal(''))
    .catch(''),
});

export default async function ReviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePageUser('review:view');
  const raw = await searchParams;
  const f = filterSchema.parse({
    reason: param(raw, 'reason') ?? '',
    site: param(raw, 'site') ?? '',
    assignment: param(raw, 'assignment') ?? 'all',
    cases: param(raw, 'cases') ?? '',
  });
  const caseIds = f.cases ? f.cases.split(',') : undefined;
  const list = parseListParams(raw, QUEUE_SORTS, { sort: 'priority', dir: 'desc' });
  const into = param(raw, 'into');
  const pick = can(user.role, 'dataset:manage');
  const [page, sites, datasets] = await Promise.all([
    listReviewQueuePage({
      ...list,
      reason: f.reason || undefined,
      site: f.site || undefined,
      assignment: f.assignment,
      userId: user.id,
      caseIds,
    }),
    listQueueSites(),
    pick ? listDatasets() : [],
  ]);
  const filters = {
    reason: f.reason || undefined,
    site: f.site || undefined,
    assignment: f.assignment === 'all' ? undefined : f.assignment,
    cases: f.cases || undefined,
    into,
  };
  const view: ListView = { pathname: '/review', state: listState({ ...list, page: page.page }, filters), sort: list.sort, dir: list.dir };
  const filtered = !!(f.reason || f.site || f.assignment !== 'all' || list.q || caseIds);
  return (
    <>
      <PageHeader
        title="Review queue"
        subtitle="Drifters and flagged cases without approved ground truth: flagged first, then by drift score."
      />
      <ReviewFilters values={{ ...f, q: list.q }} sites={sites} keep={{ sort: list.sort, dir: list.dir, size: view.state.size, into }} />
      {caseIds && (
        <p className="mb-2 text-sm" data-testid="queue-case-filter">
          Showing only the {caseIds.length} case{caseIds.length === 1 ? '' : 's'} behind a monitoring alert (those already approved are not
          in the queue).{' '}
          <Link className="text-blue-700 underline" href={listHref('/review', view.state, { cases: undefined })}>
            Show the whole queue
          </Link>
        </p>
      )}
      {list.sort !== 'priority' && (
        <p className="mb-2 text-sm">
          <Link className="text-blue-700 underline" href={listHref('/review', view.state, { sort: 'priority', dir: 'desc' })}>
            Back to priority order
          </Link>
        </p>
      )}
      {pick && (
        <PickCasesBar
          formId={PICK_FORM}
          datasets={datasets.filter((d) => !d.locked).map((d) => ({ id: d.id, name: d.name }))}
          defaultDatasetId={into}
        />
      )}
      {page.total === 0 ? (
        <EmptyState title={filtered ? 'No case matches these filters' : 'Nothing to review'}>
          Drifters and physician-flagged cases appear here.
        </EmptyState>
      ) : (
        <>
          <ReviewTable
            items={page.rows}
            view={view}
            pickFormId={pick ? PICK_FORM : undefined}
            viewer={{ id: user.id, canAssign: can(user.role, 'case:assign'), isAdmin: user.role === 'ADMIN' }}
          />
          <Pager view={view} page={page.page} pageCount={page.pageCount} pageSize={page.pageSize} total={page.total} noun="cases" />
        </>
      )}
    </>
  );
}
