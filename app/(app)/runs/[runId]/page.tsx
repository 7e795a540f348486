import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { getRun } from '@/lib/server/workflows/queries';
import { isAppError } from '@/lib/server/errors';
import { can } from '@/lib/permissions';
import { PageHeader } from '@/components/ui/PageHeader';
import { formatDateTime } from '@/components/ui/format';
import { RunLive } from '@/components/runs/RunLive';
import { mlflowLinks } from '@/lib/server/mlflow/links';

export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const user = await requirePageUser('run:view');
  const run = await getRun((await params).runId).catch((e) => {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  const facts: [string, React.ReactNode][] = [
    ['Trigger', run.trigger ?? '—'],
    ['Preset', run.config ?? '—'],
    ['Parent model', run.parentModel ? `${run.parentModel.name}@${run.parentModel.version}` : 'none (from scratch)'],
    ['Snapshot', run.snapshot ? `${run.snapshot.name} · ${run.snapshot.caseCount} cases · ${run.snapshot.sha256.slice(0, 12)}…` : '—'],
    ['Started by', run.createdBy ?? '—'],
    ['Created', formatDateTime(run.createdAt)],
    ['Started', formatDateTime(run.startedAt)],
    ['Finished', formatDateTime(run.finishedAt)],
  ];
  const mlflow = await mlflowLinks('training-run', run.id); // the mirrored MLflow run, once MLflow has it
  if (mlflow?.run)
    facts.push([
      'MLflow',
      <a key="mlflow" className="text-blue-700 underline" href={mlflow.run} target="_blank" rel="noreferrer">
        MLflow run
      </a>,
    ]);
  const { status, progress, logTail, error, externalUrl, startedAt, finishedAt, hasLog, resultModel, id, curve } = run;
  return (
    <>
      <PageHeader
        title={`${run.kind === 'TRAINING' ? 'Training' : 'Evaluation'} run ${run.id.slice(-8)}`}
        subtitle={`${run.runner} runner`}
      />
      <dl className="mb-6 grid max-w-3xl grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-sm">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <RunLive
        initial={{ id, status, progress, logTail, error, externalUrl, startedAt, finishedAt, hasLog, resultModel, curve }}
        canCancel={can(user.role, 'run:start')}
      />
    </>
  );
}
