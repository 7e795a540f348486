import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { listRuns, type RunRowDto } from '@/lib/server/workflows/queries';
import { getStartRunOptions } from '@/lib/server/workflows/options';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';
import { RunStatusBadge } from '@/components/runs/RunStatusBadge';
import { StartRunForm } from '@/components/runs/StartRunForm';

export const dynamic = 'force-dynamic';

export default async function RunsPage() {
  const user = await requirePageUser('run:view');
  const canStart = can(user.role, 'run:start');
  const [runs, options] = await Promise.all([listRuns(), canStart ? getStartRunOptions() : null]);
  return (
    <>
      <PageHeader
        title="Runs"
        subtitle="Training and evaluation workflows. Retraining starts by itself when enough approved drifters accumulate (see Datasets)."
      />
      {options && <StartRunForm options={options} />}
      <DataTable<RunRowDto>
        empty={<EmptyState title="No runs yet" />}
        label="Runs"
        rows={runs}
        rowKey={(r) => r.id}
        columns={[
          {
            header: 'Run',
            cell: (r) => (
              <Link className="text-blue-700 underline" href={`/runs/${r.id}`}>
                {r.id.slice(-8)}
              </Link>
            ),
          },
          { header: 'Kind', cell: (r) => r.kind },
          { header: 'Trigger', cell: (r) => r.trigger ?? '—' },
          { header: 'Runner', cell: (r) => r.runner },
          { header: 'Preset', cell: (r) => r.config ?? '—' },
          { header: 'Status', cell: (r) => <RunStatusBadge status={r.status} /> },
          { header: 'Progress', cell: (r) => `${Math.round(r.progress * 100)}%` },
          { header: 'Model', cell: (r) => r.model ?? '—' },
          { header: 'Created', cell: (r) => formatDateTime(r.createdAt) },
        ]}
      />
    </>
  );
}
