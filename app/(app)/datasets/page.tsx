import { requirePageUser } from '@/lib/server/auth/session';
import { getRetrainProgress, listDatasets, listSnapshots, type DatasetRowDto, type SnapshotRowDto } from '@/lib/server/datasets/queries';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { RetrainProgress } from '@/components/datasets/RetrainProgress';
import { LockDatasetButton } from '@/components/datasets/LockDatasetButton';
import Link from 'next/link';

export const dynamic = 'force-dynamic';

export default async function DatasetsPage() {
  const user = await requirePageUser('dataset:view');
  const manage = can(user.role, 'dataset:manage');
  const [datasets, snapshots, progress] = await Promise.all([listDatasets(), listSnapshots(), getRetrainProgress()]);
  return (
    <>
      <PageHeader title="Datasets" subtitle="Training, hold-out and drifter sets; snapshots are immutable manifests of approved labels." />
      <RetrainProgress pending={progress.pending} n={progress.n} />
      <DataTable<DatasetRowDto>
        empty={<EmptyState title="No datasets yet" />}
        label="Datasets"
        rows={datasets}
        rowKey={(d) => d.id}
        columns={[
          {
            header: 'Name',
            cell: (d) => (
              <Link className="text-blue-700 underline" href={`/datasets/${d.id}`} title={d.description}>
                {d.name}
              </Link>
            ),
          },
          { header: 'Kind', cell: (d) => d.kind },
          { header: 'Cases', cell: (d) => d.members },
          {
            header: 'Locked',
            cell: (d) =>
              d.locked ? (
                <Badge tone="info">locked {formatDateTime(d.lockedAt)}</Badge>
              ) : manage && d.lockable ? (
                <LockDatasetButton datasetId={d.id} name={d.name} />
              ) : (
                'no'
              ),
          },
        ]}
      />
      {manage && (
        <p className="mt-3 text-sm text-slate-600">
          Open a dataset to see its members and their label state. To add cases, tick them on the{' '}
          <Link className="text-blue-700 underline" href="/cases">
            case list
          </Link>{' '}
          or the{' '}
          <Link className="text-blue-700 underline" href="/review">
            review queue
          </Link>
          .
        </p>
      )}
      <h2 className="mb-3 mt-8 text-lg font-semibold">Snapshots</h2>
      <DataTable<SnapshotRowDto>
        empty={<EmptyState title="No snapshots yet">A snapshot is taken when retraining is triggered or a run is started.</EmptyState>}
        label="Snapshots"
        rows={snapshots}
        rowKey={(s) => s.id}
        columns={[
          { header: 'Name', cell: (s) => s.name },
          { header: 'Cases', cell: (s) => s.caseCount },
          {
            header: 'Splits',
            cell: (s) =>
              Object.entries(s.splits)
                .map(([k, v]) => `${k} ${v}`)
                .join(' · '),
          },
          { header: 'Runs', cell: (s) => s.runs },
          {
            header: 'sha256',
            cell: (s) => (
              <code className="text-xs" title={s.sha256}>
                {s.sha256.slice(0, 16)}…
              </code>
            ),
          },
          {
            header: 'Export',
            cell: (s) => <code className="text-xs">npm run snapshot:export -- {s.id} --format nnunet --out &lt;dir&gt;</code>,
          },
          { header: 'Created', cell: (s) => formatDateTime(s.createdAt) },
        ]}
      />
    </>
  );
}
