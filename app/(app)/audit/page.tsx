import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import type { AuditEventDto } from '@/lib/server/audit';
import { AUDIT_FILTER_CHOICES, AUDIT_SORTS, listAuditPage } from '@/lib/server/audit/queries';
import { listState, param, parseListParams, type SearchParams } from '@/lib/lists';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';
import { AuditDetails } from '@/components/audit/AuditDetails';
import { AuditFilters, type AuditFilterValues } from '@/components/audit/AuditFilters';
import { entityHref } from '@/components/audit/fields';
import { ListTable, type ListColumn, type ListView } from '@/components/lists/ListTable';
import { Pager } from '@/components/lists/Pager';

export const dynamic = 'force-dynamic';

function EntityCell({ e }: { e: AuditEventDto }) {
  const href = entityHref(e.entityType, e.entityId);
  const id = (
    <code className="font-mono text-xs" title={e.entityId}>
      {e.entityId.length > 12 ? `…${e.entityId.slice(-8)}` : e.entityId}
    </code>
  );
  return (
    <span className="flex flex-col">
      <span>{e.entityType}</span>
      {href ? (
        <Link className="text-blue-700 underline" href={href}>
          {id}
        </Link>
      ) : (
        id
      )}
      <Link
        className="text-xs text-slate-500 underline"
        href={`/audit?entity=${encodeURIComponent(e.entityType)}&entityId=${encodeURIComponent(e.entityId)}`}
      >
        its history
      </Link>
    </span>
  );
}

const columns: ListColumn<AuditEventDto>[] = [
  { header: 'Time', sortKey: 'time', cell: (e) => <span className="whitespace-nowrap">{formatDateTime(e.createdAt)}</span> },
  { header: 'Actor', cell: (e) => <span className="break-all">{e.actor}</span> },
  { header: 'Action', sortKey: 'action', cell: (e) => <code className="whitespace-nowrap">{e.action}</code> },
  { header: 'Entity', cell: (e) => <EntityCell e={e} /> },
  { header: 'Details', cell: (e) => <AuditDetails data={e.data} />, className: 'w-1/2' },
];

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requirePageUser('audit:view');
  const raw = await searchParams;
  const list = parseListParams(raw, AUDIT_SORTS, { sort: 'time', dir: 'desc' });
  const pick = (key: string, choices: readonly string[]) => choices.find((c) => c === param(raw, key));
  const day = (key: string) => (/^\d{4}-\d{2}-\d{2}$/.test(param(raw, key) ?? '') ? param(raw, key) : undefined);
  const filters: AuditFilterValues = {
    actor: param(raw, 'actor')?.trim().slice(0, 100) || undefined,
    action: pick('action', AUDIT_FILTER_CHOICES.actions),
    entity: pick('entity', AUDIT_FILTER_CHOICES.entityTypes),
    entityId: param(raw, 'entityId')?.trim().slice(0, 100) || undefined,
    from: day('from'),
    to: day('to'),
  };
  const page = await listAuditPage({ ...list, ...filters, entityType: filters.entity });
  const view: ListView = {
    pathname: '/audit',
    state: listState({ ...list, page: page.page }, { ...filters }),
    sort: list.sort,
    dir: list.dir,
  };
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every state change, who made it, and when." />
      <AuditFilters
        values={filters}
        q={list.q}
        keep={{ sort: list.sort, dir: list.dir, size: view.state.size, entityId: filters.entityId }}
      />
      <ListTable<AuditEventDto>
        empty={<EmptyState title="No audit event matches these filters" />}
        label="Audit events"
        rows={page.rows}
        rowKey={(e) => e.id}
        view={view}
        columns={columns}
      />
      <Pager view={view} page={page.page} pageCount={page.pageCount} pageSize={page.pageSize} total={page.total} noun="events" />
    </>
  );
}
