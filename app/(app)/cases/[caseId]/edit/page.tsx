import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePageUser, type UserActor } from '@/lib/server/auth/session';
import { getCaseDetail } from '@/lib/server/cases/queries';
import { isAppError } from '@/lib/server/errors';
import { getLabelState } from '@/lib/server/labels';
import { nextQueueCase } from '@/lib/server/labels/queue';
import { sha256OfKey } from '@/lib/server/storage';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { LabelEditor } from '@/components/editor/LabelEditor';

export const dynamic = 'force-dynamic';

async function load(user: UserActor, caseId: string) {
  try {
    return await Promise.all([getCaseDetail(caseId), getLabelState(user, caseId), nextQueueCase(user, caseId)]);
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
}

export default async function EditCasePage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser('label:edit');
  const [c, state, nextCase] = await load(user, (await params).caseId);
  const head = state.versions.find((v) => v.isHead);
  return (
    <>
      <PageHeader
        title={`Edit labels · ${c.externalId}`}
        subtitle={
          head
            ? `Opened on version ${head.number} (${state.label?.status.toLowerCase().replace('_', ' ')})`
            : state.prediction
              ? `Opened on the production prediction (${state.prediction.modelVersion})`
              : 'No prediction yet: start from an empty mask'
        }
        actions={
          <Link href={`/cases/${c.id}`} className="rounded border border-slate-300 px-3 py-2 text-sm">
            Back to case
          </Link>
        }
      />
      {c.volumes.length === 0 ? (
        <EmptyState title="No images">This case has no volumes to label yet.</EmptyState>
      ) : (
        <LabelEditor
          caseId={c.id}
          volumes={c.volumes.map((v) => ({ modality: v.modality, sha256: sha256OfKey(v.blobKey) }))}
          initialState={state}
          user={{ id: user.id, name: user.name }}
          nextCase={nextCase}
        />
      )}
    </>
  );
}
