import Link from 'next/link';
import { requirePageUser } from '@/lib/server/auth/session';
import { listModelVersions } from '@/lib/server/registry/queries';
import { listEvaluations } from '@/lib/server/evaluation/queries';
import { comparisonView } from '@/lib/server/evaluation/compare';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';
import { VerdictBadge } from '@/components/evaluation/VerdictBadge';
import { SetSummaryTable } from '@/components/evaluation/SetSummaryTable';
import { CriteriaResultsTable } from '@/components/evaluation/CriteriaResultsTable';
import { ComparisonWorkbench } from '@/components/evaluation/ComparisonWorkbench';

export const dynamic = 'force-dynamic';

type Search = { candidate?: string; baseline?: string; evaluation?: string };

export default async function ComparePage({ searchParams }: { searchParams: Promise<Search> }) {
  await requirePageUser('model:view');
  const sp = await searchParams;
  const [models, evaluations] = await Promise.all([listModelVersions(), listEvaluations()]);
  const candidateId = sp.candidate || evaluations.find((e) => e.finishedAt)?.candidate.id;
  const view = candidateId ? await comparisonView(candidateId, sp.baseline || undefined, sp.evaluation || undefined) : null;
  const label = (id: string) => {
    const m = models.find((x) => x.id === id);
    return m ? `${m.name}@${m.version} (${m.stage})` : id;
  };
  const ev = view?.evaluation;
  return (
    <>
      <PageHeader title="Compare models" subtitle="Production against a candidate, per hold-out set and region, with the acceptance gate's verdict." />
      <form method="get" className="mb-6 flex flex-wrap items-end gap-3 text-sm" aria-label="Choose models">
        <label className="flex flex-col gap-1">Candidate
          <select name="candidate" defaultValue={candidateId ?? ''} className="rounded border border-slate-300 px-2 py-1">
            {models.map((m) => <option key={m.id} value={m.id}>{label(m.id)}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1">Baseline
          <select name="baseline" defaultValue={sp.baseline ?? ''} className="rounded border border-slate-300 px-2 py-1">
            <option value="">production at evaluation time</option>
            {models.map((m) => <option key={m.id} value={m.id}>{label(m.id)}</option>)}
          </select>
        </label>
        <button type="submit" className="rounded bg-slate-800 px-3 py-1.5 text-white">Compare</button>
      </form>
      {!ev || !ev.aggregate || !ev.criteria ? (
        <EmptyState title={candidateId ? 'No finished evaluation for this choice' : 'No evaluations yet'}>
          Evaluations appear when a candidate model is evaluated (automatically after training, or from its registry page).
        </EmptyState>
      ) : (
        <div className="space-y-8">
          <section aria-label="Verdict" className="flex flex-wrap items-center gap-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="overall-verdict">
            <span className="text-lg font-semibold">Overall verdict</span>
            <VerdictBadge verdict={ev.verdict} />
            <span className="text-sm text-slate-600">
              <Link className="text-blue-700 underline" href={`/models/${ev.candidate.id}`}>{ev.candidate.name}@{ev.candidate.version}</Link> against{' '}
              {ev.baseline ? <Link className="text-blue-700 underline" href={`/models/${ev.baseline.id}`}>{ev.baseline.name}@{ev.baseline.version}</Link> : 'no production model'}
              {' '}· criteria v{ev.criteriaVersion} · finished {formatDateTime(ev.finishedAt)} · {Math.round(ev.aggregate.confidence * 100)}% bootstrap CIs ({ev.aggregate.resamples} resamples)
            </span>
            <span className="text-sm">
              Hold-out leakage: {ev.criteria.leakage.checked ? `${ev.criteria.leakage.leaked.length} of ${ev.criteria.leakage.holdoutCases} hold-out cases in the training snapshot` : 'no training snapshot recorded'}
            </span>
          </section>
          <section>
            <h2 className="mb-3 text-lg font-semibold">Per set and region</h2>
            <SetSummaryTable sets={ev.aggregate.sets} results={ev.criteria.results} confidence={ev.aggregate.confidence} />
          </section>
          <section>
            <h2 className="mb-3 text-lg font-semibold">Acceptance criteria</h2>
            <CriteriaResultsTable results={ev.criteria.results} setNames={Object.fromEntries(ev.aggregate.sets.map((s) => [s.key, s.name]))} />
          </section>
          <section>
            <h2 className="mb-3 text-lg font-semibold">Per case</h2>
            <ComparisonWorkbench evaluationId={ev.id} rows={view!.rows} />
          </section>
        </div>
      )}
    </>
  );
}
