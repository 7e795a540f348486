import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { DEFAULT_RULES, getClassificationRules } from '@/lib/server/dicom/rules';
import { PageHeader } from '@/components/ui/PageHeader';
import { RulesForm } from '@/components/dicom/RulesForm';

export const dynamic = 'force-dynamic';

export default async function DicomRulesPage() {
  await requirePageUser('dicom:rules');
  const rules = await getClassificationRules();
  return (
    <>
      <PageHeader
        title="Series classification rules"
        subtitle="How received DICOM series become T1N, T1C, T2W and T2F, or are set aside. The first rule whose conditions all hold decides."
        actions={
          <Link className="text-blue-700 underline" href="/dicom/decisions">
            Studies waiting for a decision
          </Link>
        }
      />
      <div className="mb-4 space-y-1 text-sm text-slate-600">
        <p>
          Each rule has a <code>name</code>, an <code>action</code> (T1N, T1C, T2W, T2F or SET_ASIDE with a <code>reason</code>) and
          conditions in <code>when</code>, each on one field of the dcm2niix sidecar (SeriesDescription, ProtocolName, ImageType,
          ScanningSequence, ContrastBolusAgent, EchoTime, RepetitionTime, InversionTime ...): <code>matches</code> (a case-insensitive
          regular expression), <code>min</code>/<code>max</code> (seconds for TR/TE/TI) or <code>present</code>.
        </p>
        <p>A series no rule matches waits, with its study, for a person to assign it. Every change is audited.</p>
      </div>
      <RulesForm initial={JSON.stringify(rules, null, 2)} defaults={JSON.stringify(DEFAULT_RULES, null, 2)} />
    </>
  );
}
