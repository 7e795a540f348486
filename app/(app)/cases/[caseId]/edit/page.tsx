import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { getCaseDetail } from '@/lib/server/cases/queries';
import { isAppError } from '@/lib/server/errors';
import { PageHeader } from '@/components/ui/PageHeader';

export const dynamic = 'force-dynamic';

export default async function EditCasePage({ params }: { params: Promise<{ caseId: string }> }) {
  await requirePageUser('label:edit');
  const caseId = (await params).caseId;
  const c = await getCaseDetail(caseId).catch((e) => {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  return <PageHeader title={`Edit labels · ${c.externalId}`} subtitle={`${c.volumes.length} volumes`} />;
}
