import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { can } from '@/lib/permissions';
import { listModelVersions, type ModelRowDto } from '@/lib/server/registry/queries';
import { productionHistory } from '@/lib/server/registry/history';
import { getActiveCriteria } from '@/lib/server/evaluation/criteria';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';
import { StageBadge } from '@/components/models/StageBadge';
import { ProductionHistory } from '@/components/models/ProductionHistory';
import { VerdictBadge } from '@/components/evaluation/VerdictBadge';
import { CriteriaForm } from '@/components/evaluation/CriteriaForm';

export const dynamic = 'force-dynamic';

export default async function ModelsPage() {
  const user = await requirePageUser('model:view');
  const [models, history, criteria] = await Promise.all([listModelVersions(), productionHistory(), getActiveCriteria()]);
  return (
    <>
      <PageHeader title="Models" subtitle="The model registry: every version, its stage, lineage and evaluations, and who served production when."
        actions={
          <>
            {can(user.role, 'model:register') && (
              <Link href="/models/import" className="mr-2 rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">Import a model</Link>
            )}
            <Link href="/models/compare" className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">Compare models</Link>
          </>
        } />
      <DataTable<ModelRowDto>
        empty={<EmptyState title="No model versions registered" />}
        label="Model versions"
        rows={models}
        rowKey={(m) => m.id}
        columns={[
          { header: 'Model', cell: (m) => <Link className="text-blue-700 underline" href={`/models/${m.id}`}>{m.name}@{m.version}</Link> },
          { header: 'Stage', cell: (m) => <StageBadge stage={m.stage} /> },
          { header: 'Latest evaluation', cell: (m) => (m.latestVerdict ? <Link href={`/models/compare?candidate=${m.id}`}><VerdictBadge verdict={m.latestVerdict} /></Link> : '—') },
          { header: 'Parent', cell: (m) => (m.parentId ? <Link className="underline" href={`/models/${m.parentId}`}>{m.parent}</Link> : '—') },
          { header: 'Training run', cell: (m) => (m.trainingRunId ? <Link className="underline" href={`/runs/${m.trainingRunId}`}>{m.trainingRunId.slice(0, 10)}…</Link> : '—') },
          { header: 'Snapshot', cell: (m) => (m.snapshotSha256 ? <code className="text-xs" title={m.snapshotSha256}>{m.snapshotSha256.slice(0, 12)}…</code> : '—') },
          { header: 'Stage since', cell: (m) => formatDateTime(m.stageChangedAt) },
        ]}
      />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Production history</h2>
      <ProductionHistory periods={history} />
      <h2 className="mb-3 mt-8 text-lg font-semibold">Acceptance criteria (v{criteria.version})</h2>
      {can(user.role, 'criteria:edit') ? (
        <CriteriaForm key={criteria.version} version={criteria.version} initial={criteria.config} />
      ) : (
        <pre className="rounded bg-white p-3 text-xs">{JSON.stringify(criteria.config, null, 2)}</pre>
      )}
    </>
  );
}
