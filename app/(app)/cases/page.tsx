import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { listCases, type CaseRowDto } from '@/lib/server/cases/queries';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { UploadCaseForm } from '@/components/cases/UploadCaseForm';
import { UploadDicomForm } from '@/components/dicom/UploadDicomForm';
import { can } from '@/lib/permissions';

export const dynamic = 'force-dynamic';

export default async function CasesPage() {
  const user = await requirePageUser('case:view');
  const cases = await listCases();
  return (
    <>
      <PageHeader title="Cases" subtitle="Every case submitted to production, newest first." />
      {can(user.role, 'case:ingest') && <UploadCaseForm />}
      {can(user.role, 'case:ingest') && <UploadDicomForm />}
      <DataTable<CaseRowDto>
        empty={<EmptyState title="No cases yet">Cases appear here when a scanner, script or user submits them.</EmptyState>}
        label="Cases"
        rows={cases}
        rowKey={(c) => c.id}
        columns={[
          {
            header: 'Case',
            cell: (c) => (
              <Link className="text-blue-700 underline" href={`/cases/${c.id}`}>
                {c.externalId}
              </Link>
            ),
          },
          { header: 'Site', cell: (c) => c.site ?? '—' },
          { header: 'Scanner', cell: (c) => c.scanner ?? '—' },
          { header: 'Status', cell: (c) => <Badge>{c.status}</Badge> },
          { header: 'Model', cell: (c) => c.modelVersion ?? '—' },
          {
            header: 'Drift',
            cell: (c) =>
              c.isDrifter == null ? '—' : c.isDrifter ? <Badge tone="warn">drifter</Badge> : <Badge tone="good">in distribution</Badge>,
          },
          { header: 'Flags', cell: (c) => c.flagCount },
          { header: 'Label', cell: (c) => c.labelStatus ?? '—' },
          { header: 'Received', cell: (c) => formatDateTime(c.createdAt) },
        ]}
      />
    </>
  );
}
