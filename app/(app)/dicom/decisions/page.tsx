import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { listPendingStudies } from '@/lib/server/dicom/decisions';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { AssignSeriesForm } from '@/components/dicom/AssignSeriesForm';
import { DismissStudyForm } from '@/components/dicom/DismissStudyForm';

export const dynamic = 'force-dynamic';

export default async function DicomDecisionsPage() {
  const user = await requirePageUser('dicom:decide');
  const studies = await listPendingStudies(user);
  return (
    <>
      <PageHeader
        title="DICOM studies"
        subtitle="Studies waiting for a decision: the classification rules found a sequence missing, or two candidates for one. Assign a series to each sequence to create the case."
        actions={
          can(user.role, 'dicom:rules') ? (
            <Link className="text-blue-700 underline" href="/dicom/rules">
              Classification rules
            </Link>
          ) : undefined
        }
      />
      {studies.length === 0 ? (
        <EmptyState title="Nothing waiting">Every DICOM study received so far became a case or was refused with its reason.</EmptyState>
      ) : (
        <ul className="space-y-4">
          {studies.map((s) => (
            <li key={s.id} className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone="warn">needs a decision</Badge>
                <span>
                  received {formatDateTime(s.receivedAt)} by{' '}
                  {s.source === 'stow' ? 'STOW-RS' : s.source === 'pacs' ? 'PACS retrieval' : 'upload'}
                </span>
              </div>
              <p className="mt-1 text-slate-700">{s.reason}</p>
              <table className="mt-2 w-full text-left">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-1">Series</th>
                    <th>Description</th>
                    <th>Rules proposed</th>
                    <th>Volume</th>
                  </tr>
                </thead>
                <tbody>
                  {s.series.map((x) => (
                    <tr key={x.id} className="border-t border-slate-100">
                      <td className="py-1">{x.seriesNumber ?? '—'}</td>
                      <td>{x.description ?? '—'}</td>
                      <td>{x.proposedRole ?? (x.setAsideReason ? 'set aside' : 'no rule matched')}</td>
                      <td>{x.usable ? (x.dims ?? []).join(' × ') : `none: ${x.setAsideReason}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <AssignSeriesForm
                studyId={s.id}
                series={s.series.map((x) => ({
                  id: x.id,
                  label: `${x.seriesNumber ?? '?'}: ${x.description ?? ''}${x.setAsideReason ? ' (set aside)' : ''}`,
                  proposedRole: x.setAsideReason ? null : x.proposedRole,
                  usable: x.usable,
                }))}
              />
              <DismissStudyForm studyId={s.id} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
