import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { isAppError } from '@/lib/server/errors';
import { getDatasetDetail, listDatasetMembersPage, MEMBER_LABEL_STATES, MEMBER_SORTS } from '@/lib/server/datasets/member-list';
import type { DatasetMemberDto } from '@/lib/server/datasets/members';
import { getActiveCriteria } from '@/lib/server/evaluation';
import { can } from '@/lib/permissions';
import { listState, param, parseListParams, type SearchParams } from '@/lib/lists';
import { Options } from '@/components/ui/Options';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { ListTable, type ListColumn, type ListView } from '@/components/lists/ListTable';
import { Pager } from '@/components/lists/Pager';
import { SearchForm } from '@/components/lists/SearchForm';
import { HoldoutRules } from '@/components/datasets/HoldoutRules';
import { LockDatasetButton } from '@/components/datasets/LockDatasetButton';
import { RemoveMemberButton } from '@/components/datasets/RemoveMemberButton';

export const dynamic = 'force-dynamic';

const LABEL_TONE: Record<string, 'good' | 'warn' | 'info'> = { APPROVED: 'good', IN_REVIEW: 'info', DRAFT: 'warn' };
const labelText = (s: string | null) => (s ? s.toLowerCase().replace('_', ' ') : 'no label');

export default async function DatasetPage({
  params,
  searchParams,
}: {
  params: Promise<{ datasetId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const user = await requirePageUser('dataset:view');
  const { datasetId } = await params;
  const raw = await searchParams;
  const list = parseListParams(raw, MEMBER_SORTS, { sort: 'added', dir: 'desc' });
  const label = MEMBER_LABEL_STATES.find((s) => s === param(raw, 'label'));
  const found = await Promise.all([
    getDatasetDetail(user, datasetId),
    listDatasetMembersPage(user, datasetId, { ...list, label }),
    getActiveCriteria(),
  ]).catch((e) => {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  const [dataset, page, criteria] = found;
  const manage = can(user.role, 'dataset:manage');
  const pathname = `/datasets/${dataset.id}`;
  const view: ListView = { pathname, state: listState({ ...list, page: page.page }, { label }), sort: list.sort, dir: list.dir };
  const columns: ListColumn<DatasetMemberDto>[] = [
    {
      header: 'Case',
      sortKey: 'case',
      cell: (m) => (
        <Link className="text-blue-700 underline" href={`/cases/${m.caseId}`}>
          {m.externalId}
        </Link>
      ),
    },
    { header: 'Site', sortKey: 'site', cell: (m) => m.site ?? '—' },
    {
      header: 'Label',
      cell: (m) => <Badge tone={m.labelStatus ? LABEL_TONE[m.labelStatus] : 'warn'}>{labelText(m.labelStatus)}</Badge>,
    },
    { header: 'Added', sortKey: 'added', cell: (m) => formatDateTime(m.addedAt) },
  ];
  if (manage && !dataset.locked)
    columns.push({
      header: 'Remove',
      cell: (m) => <RemoveMemberButton datasetId={dataset.id} caseId={m.caseId} externalId={m.externalId} />,
    });
  const states = Object.entries(dataset.labelStates)
    .map(([s, n]) => `${n} ${labelText(s === 'NONE' ? null : s)}`)
    .join(' · ');
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-blue-700 underline" href="/datasets">
          ← Datasets
        </Link>
      </p>
      <PageHeader
        title={dataset.name}
        subtitle={`${dataset.kind} · ${dataset.members} case(s)${states ? ` · ${states}` : ''}${dataset.description ? ` · ${dataset.description}` : ''}`}
      />
      <p className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        {dataset.locked ? (
          <Badge tone="info">locked {formatDateTime(dataset.lockedAt)}</Badge>
        ) : (
          <>
            <Badge>not locked</Badge>
            {manage && dataset.lockable && <LockDatasetButton datasetId={dataset.id} name={dataset.name} />}
          </>
        )}
        {manage && !dataset.locked && (
          <span className="text-slate-600">
            Add cases by ticking them on the{' '}
            <Link className="text-blue-700 underline" href={`/cases?into=${dataset.id}`}>
              case list
            </Link>{' '}
            or the{' '}
            <Link className="text-blue-700 underline" href={`/review?into=${dataset.id}`}>
              review queue
            </Link>
            .
          </span>
        )}
      </p>
      <HoldoutRules dataset={dataset} criteria={criteria} />
      <SearchForm
        label="Search members"
        q={list.q}
        placeholder="Case id or site"
        keep={{ sort: list.sort, dir: list.dir, size: view.state.size }}
      >
        <label>
          <span className="block text-xs text-slate-500">Label</span>
          <select name="label" defaultValue={label ?? ''} className="rounded border border-slate-300 bg-white px-2 py-1">
            <option value="">any</option>
            <Options items={MEMBER_LABEL_STATES.map((s) => ({ value: s, label: labelText(s === 'NONE' ? null : s) }))} />
          </select>
        </label>
      </SearchForm>
      <ListTable<DatasetMemberDto>
        empty={<EmptyState title={list.q || label ? 'No member matches this search' : 'No members yet'} />}
        label="Members"
        rows={page.rows}
        rowKey={(m) => m.caseId}
        view={view}
        columns={columns}
      />
      <Pager view={view} page={page.page} pageCount={page.pageCount} pageSize={page.pageSize} total={page.total} noun="members" />
    </>
  );
}
