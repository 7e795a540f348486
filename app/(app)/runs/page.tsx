import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { listRuns, type RunRowDto } from '@/lib/server/workflows/queries';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';

export const dynamic = 'force-dynamic';

export default async function RunsPage() {
  await requirePageUser('run:view');
  const runs = await listRuns();
  return (
    <>
      <PageHeader title="Runs" subtitle="Training and evaluation workflows." />
      {runs.length === 0 ? (
        <EmptyState title="No runs yet" />
      ) : (
        <DataTable<RunRowDto>
          label="Runs"
          rows={runs}
          rowKey={(r) => r.id}
          columns={[
            { header: 'Run', cell: (r) => <Link className="text-blue-700 underline" href={`/runs/${r.id}`}>{r.id.slice(-8)}</Link> },
            { header: 'Kind', cell: (r) => r.kind },
            { header: 'Runner', cell: (r) => r.runner },
            { header: 'Status', cell: (r) => <Badge>{r.status}</Badge> },
            { header: 'Progress', cell: (r) => `${Math.round(r.progress * 100)}%` },
            { header: 'Started', cell: (r) => formatDateTime(r.createdAt) },
          ]}
        />
      )}
    </>
  );
}
