import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { getRun } from '@/lib/server/workflows/queries';
import { isAppError } from '@/lib/server/errors';
import { PageHeader } from '@/components/ui/PageHeader';
import { Badge } from '@/components/ui/Badge';

export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  await requirePageUser('run:view');
  const run = await getRun((await params).runId).catch((e) => {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  return (
    <>
      <PageHeader title={`${run.kind} run ${run.id.slice(-8)}`} subtitle={`${run.runner} runner`} />
      <p className="mb-4">Status: <Badge>{run.status}</Badge></p>
      <div className="mb-4 h-3 w-full rounded bg-slate-200" role="progressbar" aria-valuenow={Math.round(run.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-3 rounded bg-blue-600" style={{ width: `${run.progress * 100}%` }} />
      </div>
      {run.error && <p className="mb-4 text-red-700">{run.error}</p>}
      <pre className="max-h-96 overflow-auto rounded bg-slate-900 p-4 text-xs text-slate-100" aria-label="Run log">{run.logTail || 'No output yet.'}</pre>
    </>
  );
}
