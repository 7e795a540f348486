import { requirePageUser } from '@/lib/server/auth/session';
import { db } from '@/lib/server/db';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';

export const dynamic = 'force-dynamic';

export default async function ComparePage() {
  await requirePageUser('model:view');
  const evaluations = await db().evaluation.count();
  return (
    <>
      <PageHeader title="Compare models" subtitle="Production against a candidate, per hold-out set and region." />
      {evaluations === 0 && <EmptyState title="No evaluations yet">Evaluations appear when a candidate model is evaluated.</EmptyState>}
    </>
  );
}
