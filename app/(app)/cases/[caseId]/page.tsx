import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { getCaseDetail } from '@/lib/server/cases/queries';
import { isAppError } from '@/lib/server/errors';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';

export const dynamic = 'force-dynamic';

async function load(caseId: string) {
  try {
    return await getCaseDetail(caseId);
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
}

export default async function CasePage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser('case:view');
  const c = await load((await params).caseId);
  return (
    <>
      <PageHeader
        title={`Case ${c.externalId}`}
        subtitle={`${c.site ?? 'unknown site'} · ${[c.scannerManufacturer, c.scannerModel].filter(Boolean).join(' ') || 'unknown scanner'} · received ${formatDateTime(c.createdAt)}`}
        actions={can(user.role, 'label:edit') && <Link href={`/cases/${c.id}/edit`} className="rounded bg-slate-900 px-3 py-2 text-sm text-white">Open editor</Link>}
      />
      <p className="mb-4">Status: <Badge>{c.status}</Badge></p>
      <DataTable
        label="Volumes"
        rows={c.volumes}
        rowKey={(v) => v.id}
        columns={[
          { header: 'Modality', cell: (v) => v.modality },
          { header: 'Dims', cell: (v) => v.dims.join(' × ') },
          { header: 'Spacing (mm)', cell: (v) => v.spacing.map((s) => s.toFixed(2)).join(' × ') },
          { header: 'Orientation', cell: (v) => v.orientation },
          { header: 'Type', cell: (v) => v.datatype },
        ]}
      />
    </>
  );
}
