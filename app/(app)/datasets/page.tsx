import { requirePageUser } from '@/lib/server/auth/session';
import { listDatasets, listSnapshots, type DatasetRowDto, type SnapshotRowDto } from '@/lib/server/datasets/queries';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';

export const dynamic = 'force-dynamic';

export default async function DatasetsPage() {
  await requirePageUser('dataset:view');
  const [datasets, snapshots] = await Promise.all([listDatasets(), listSnapshots()]);
  return (
    <>
      <PageHeader title="Datasets" subtitle="Training, hold-out and drifter sets; snapshots are immutable manifests of approved labels." />
      {datasets.length === 0 ? (
        <EmptyState title="No datasets yet" />
      ) : (
        <DataTable<DatasetRowDto>
          label="Datasets"
          rows={datasets}
          rowKey={(d) => d.id}
          columns={[
            { header: 'Name', cell: (d) => d.name },
            { header: 'Kind', cell: (d) => d.kind },
            { header: 'Cases', cell: (d) => d.members },
            { header: 'Locked', cell: (d) => (d.locked ? <Badge tone="info">locked</Badge> : 'no') },
          ]}
        />
      )}
      <h2 className="mb-3 mt-8 text-lg font-semibold">Snapshots</h2>
      {snapshots.length === 0 ? (
        <EmptyState title="No snapshots yet">A snapshot is taken when retraining is triggered.</EmptyState>
      ) : (
        <DataTable<SnapshotRowDto>
          label="Snapshots"
          rows={snapshots}
          rowKey={(s) => s.id}
          columns={[
            { header: 'Name', cell: (s) => s.name },
            { header: 'Cases', cell: (s) => s.caseCount },
            { header: 'sha256', cell: (s) => <code className="text-xs">{s.sha256.slice(0, 16)}…</code> },
            { header: 'Created', cell: (s) => formatDateTime(s.createdAt) },
          ]}
        />
      )}
    </>
  );
}
