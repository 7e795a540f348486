import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { getCaseDetail } from '@/lib/server/cases/queries';
import { listCasePredictions } from '@/lib/server/cases/predictions';
import { isAppError } from '@/lib/server/errors';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';
import { CaseViewer } from '@/components/cases/CaseViewer';
import { PredictionPanel } from '@/components/cases/PredictionPanel';
import { FlagForm } from '@/components/flags/FlagForm';
import { FlagList } from '@/components/flags/FlagList';
import { RefreshWhile } from '@/components/ui/RefreshWhile';
import { listFlags } from '@/lib/server/flags';
import { segPanelState } from '@/lib/server/dicom/seg/queries';
import { pacsConfig } from '@/lib/server/dicom/pacs/config';
import { caseRegistrations } from '@/lib/server/imaging/coregister-queries';
import { caseSkullStripping } from '@/lib/server/imaging/skull-strip-queries';
import { SegExportPanel } from '@/components/cases/SegExportPanel';
import { CasePreprocessing } from '@/components/cases/CasePreprocessing';
import { CaseLabelState, labelVersionMasks } from '@/components/cases/CaseLabelState';
import { caseLabelSummary } from '@/lib/server/labels';

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
  const [predictions, flags, registrations, skullStrip, label] = await Promise.all([
    listCasePredictions(c.id, user.role),
    listFlags(c.id),
    caseRegistrations(c.id),
    caseSkullStripping(c.id),
    caseLabelSummary(c.id),
  ]);
  const seg = can(user.role, 'seg:export') ? await segPanelState(c.id) : null;
  const returned = predictions.find((p) => p.returned);
  const masks = [
    ...predictions.map((p) => ({
      id: p.id,
      sha256: p.maskSha256,
      label: `${p.model} (${p.returned ? 'returned' : p.role.toLowerCase()})`,
    })),
    ...labelVersionMasks(label),
  ];
  return (
    <>
      <PageHeader
        title={`Case ${c.externalId}`}
        subtitle={`${c.site ?? 'unknown site'} · ${[c.scannerManufacturer, c.scannerModel].filter(Boolean).join(' ') || 'unknown scanner'} · received ${formatDateTime(c.createdAt)}`}
        actions={
          can(user.role, 'label:edit') && (
            <Link href={`/cases/${c.id}/edit`} className="rounded bg-slate-900 px-3 py-2 text-sm text-white">
              Open editor
            </Link>
          )
        }
      />
      <RefreshWhile active={c.status === 'RECEIVED' || c.status === 'PROCESSING'} />
      <p className="mb-4 text-sm">
        Status:{' '}
        {label && c.status === 'PREDICTED' ? (
          <CaseLabelState label={label} />
        ) : (
          <span data-testid="case-status">
            <Badge>{c.status}</Badge>
          </span>
        )}{' '}
        <span className="text-slate-500">
          {c.volumes
            .map((v) => `${v.modality} ${v.dims.join('×')} @ ${v.spacing.map((s) => s.toFixed(1)).join('×')} mm ${v.orientation}`)
            .join(' · ')}
        </span>
      </p>
      <CasePreprocessing registrations={registrations} skullStrip={skullStrip} />
      <CaseViewer volumes={c.volumes.map((v) => ({ modality: v.modality, sha256: v.sha256 }))} masks={masks} />
      <PredictionPanel predictions={predictions} />
      {seg && <SegExportPanel caseId={c.id} {...seg} pacs={pacsConfig() !== null} />}
      <section aria-label="Physician feedback" className="grid gap-4 md:grid-cols-2">
        {returned && can(user.role, 'case:flag') && <FlagForm caseId={c.id} predictionId={returned.id} />}
        <FlagList flags={flags} />
      </section>
    </>
  );
}
