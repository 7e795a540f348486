import { requirePageUser } from '@/lib/server/auth/session';
import { listModelVersions, type ModelRowDto } from '@/lib/server/registry/queries';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';

export const dynamic = 'force-dynamic';

const STAGE_TONE = { PRODUCTION: 'good', CANARY: 'info', SHADOW: 'info', CANDIDATE: 'neutral', ARCHIVED: 'neutral', REJECTED: 'bad' } as const;

export default async function ModelsPage() {
  await requirePageUser('model:view');
  const models = await listModelVersions();
  return (
    <>
      <PageHeader title="Models" subtitle="Every model version, its stage and lineage." />
      {models.length === 0 ? (
        <EmptyState title="No model versions registered" />
      ) : (
        <DataTable<ModelRowDto>
          label="Model versions"
          rows={models}
          rowKey={(m) => m.id}
          columns={[
            { header: 'Model', cell: (m) => `${m.name}@${m.version}` },
            { header: 'Stage', cell: (m) => <Badge tone={STAGE_TONE[m.stage as keyof typeof STAGE_TONE] ?? 'neutral'}>{m.stage}</Badge> },
            { header: 'Parent', cell: (m) => m.parent ?? '—' },
            { header: 'sha256', cell: (m) => <code className="text-xs">{m.sha256.slice(0, 12)}…</code> },
            { header: 'Registered', cell: (m) => formatDateTime(m.createdAt) },
          ]}
        />
      )}
    </>
  );
}
