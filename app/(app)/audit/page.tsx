import { requirePageUser } from '@/lib/server/auth/session';
import { listAuditEvents, type AuditEventDto } from '@/lib/server/audit';
import { db } from '@/lib/server/db';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';
import { AuditDetails } from '@/components/audit/AuditDetails';

export const dynamic = 'force-dynamic';

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ entity?: string; action?: string }> }) {
  await requirePageUser('audit:view');
  const q = await searchParams;
  const events = await listAuditEvents(db(), { entityType: q.entity, action: q.action, take: 200 });
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every state change, who made it, and when." />
      <form className="mb-4 flex gap-2 text-sm" method="get">
        <input
          name="entity"
          defaultValue={q.entity}
          placeholder="Entity type (e.g. Case)"
          className="rounded border border-slate-300 px-2 py-1"
        />
        <input name="action" defaultValue={q.action} placeholder="Action contains…" className="rounded border border-slate-300 px-2 py-1" />
        <button className="rounded bg-slate-900 px-3 py-1 text-white">Filter</button>
      </form>
      <DataTable<AuditEventDto>
        empty={<EmptyState title="No audit events" />}
        label="Audit events"
        rows={events}
        rowKey={(e) => e.id}
        columns={[
          { header: 'Time', cell: (e) => formatDateTime(e.createdAt) },
          { header: 'Actor', cell: (e) => e.actor },
          { header: 'Action', cell: (e) => <code>{e.action}</code> },
          { header: 'Entity', cell: (e) => `${e.entityType} ${e.entityId.slice(-8)}` },
          { header: 'Details', cell: (e) => <AuditDetails data={e.data} /> },
        ]}
      />
    </>
  );
}
