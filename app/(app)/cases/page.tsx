import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { CASE_SORTS, CASE_STATUSES, listCasesPage, type CaseRowDto } from '@/lib/server/cases/queries';
import { listDatasets } from '@/lib/server/datasets/queries';
import { listState, param, parseListParams, type SearchParams } from '@/lib/lists';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { Options } from '@/components/ui/Options';
import { formatDateTime } from '@/components/ui/format';
import { UploadCaseForm } from '@/components/cases/UploadCaseForm';
import { UploadDicomForm } from '@/components/dicom/UploadDicomForm';
import { ListTable, type ListColumn, type ListView } from '@/components/lists/ListTable';
import { Pager } from '@/components/lists/Pager';
import { SearchForm } from '@/components/lists/SearchForm';
import { PickCasesBar } from '@/components/datasets/PickCasesBar';
import { PickCheckbox } from '@/components/datasets/PickCheckbox';
import { can } from '@/lib/permissions';

export const dynamic = 'force-dynamic';

const PICK_FORM = 'pick-cases';

const columns: ListColumn<CaseRowDto>[] = [
  {
    header: 'Case',
    sortKey: 'case',
    cell: (c) => (
      <Link className="text-blue-700 underline" href={`/cases/${c.id}`}>
        {c.externalId}
      </Link>
    ),
  },
  { header: 'Site', sortKey: 'site', cell: (c) => c.site ?? '—' },
  { header: 'Scanner', cell: (c) => c.scanner ?? '—' },
  { header: 'Status', sortKey: 'status', cell: (c) => <Badge>{c.status}</Badge> },
  { header: 'Model', cell: (c) => c.modelVersion ?? '—' },
  {
    header: 'Drift',
    cell: (c) =>
      c.isDrifter == null ? '—' : c.isDrifter ? <Badge tone="warn">drifter</Badge> : <Badge tone="good">in distribution</Badge>,
  },
  { header: 'Flags', cell: (c) => c.flagCount },
  { header: 'Label', cell: (c) => c.labelStatus ?? '—' },
  { header: 'Received', sortKey: 'received', cell: (c) => formatDateTime(c.createdAt) },
];

export default async function CasesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePageUser('case:view');
  const raw = await searchParams;
  const list = parseListParams(raw, CASE_SORTS, { sort: 'received', dir: 'desc' });
  const status = (CASE_STATUSES as string[]).find((s) => s === param(raw, 'status'));
  const into = param(raw, 'into');
  const pick = can(user.role, 'dataset:manage');
  const [page, datasets] = await Promise.all([listCasesPage({ ...list, status }), pick ? listDatasets() : []]);
  const view: ListView = {
    pathname: '/cases',
    state: listState({ ...list, page: page.page }, { status, into }),
    sort: list.sort,
    dir: list.dir,
  };
  const filtered = !!(list.q || status);
  return (
    <>
      <PageHeader title="Cases" subtitle="Every case submitted to production, newest first." />
      {can(user.role, 'case:ingest') && <UploadCaseForm />}
      {can(user.role, 'case:ingest') && <UploadDicomForm />}
      <SearchForm
        label="Search cases"
        q={list.q}
        placeholder="Case id or site"
        keep={{ sort: list.sort, dir: list.dir, size: view.state.size, into }}
      >
        <label>
          <span className="block text-xs text-slate-500">Status</span>
          <select name="status" defaultValue={status ?? ''} className="rounded border border-slate-300 bg-white px-2 py-1">
            <option value="">any</option>
            <Options items={CASE_STATUSES.map((s) => ({ value: s, label: s.toLowerCase().replaceAll('_', ' ') }))} />
          </select>
        </label>
      </SearchForm>
      {pick && (
        <PickCasesBar
          formId={PICK_FORM}
          datasets={datasets.filter((d) => !d.locked).map((d) => ({ id: d.id, name: d.name }))}
          defaultDatasetId={into}
        />
      )}
      <ListTable<CaseRowDto>
        empty={
          <EmptyState title={filtered ? 'No case matches this search' : 'No cases yet'}>
            {filtered ? 'Try another id or site, or clear the filters.' : 'Cases appear here when a scanner, script or user submits them.'}
          </EmptyState>
        }
        label="Cases"
        rows={page.rows}
        rowKey={(c) => c.id}
        view={view}
        columns={
          pick
            ? [{ header: 'Pick', cell: (c) => <PickCheckbox formId={PICK_FORM} caseId={c.id} externalId={c.externalId} /> }, ...columns]
            : columns
        }
      />
      <Pager view={view} page={page.page} pageCount={page.pageCount} pageSize={page.pageSize} total={page.total} noun="cases" />
    </>
  );
}
