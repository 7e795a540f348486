import type { DeploymentReport } from '@/lib/server/registry/monitoring';
import { formatDateTime } from '@/components/ui/format';
import { f3, pct } from '@/components/evaluation/format';

/** A shadow or canary deployment: cases seen, agreement with production, clinic signals, and cases to review. */
export function DeploymentReportView({ title, report }: { title: string; report: DeploymentReport }) {
  const d = report.deployment;
  return (
    <section aria-label={title} data-testid={`report-${title.toLowerCase().split(' ')[0]}`} className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h3 className="mb-2 font-medium">{title}</h3>
      {!d ? (
        <p className="text-slate-500">Not deployed yet.</p>
      ) : (
        <>
          <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Window</dt><dd>{formatDateTime(d.startedAt)} – {d.endedAt ? formatDateTime(d.endedAt) : 'ongoing'}</dd>
            {d.mode === 'CANARY' && <><dt className="text-slate-500">Traffic share</dt><dd>{d.trafficPercent}%</dd></>}
            <dt className="text-slate-500">Cases seen</dt><dd data-testid="cases-seen">{report.model.cases}</dd>
            {report.failedCases > 0 && <><dt className="text-red-700">Failed on</dt><dd className="text-red-700" data-testid="failed-cases">{report.failedCases} cases (production answered them; see the history)</dd></>}
            <dt className="text-slate-500">Agreement (Dice)</dt>
            <dd>WT {f3(report.agreement.WT)} · TC {f3(report.agreement.TC)} · ET {f3(report.agreement.ET)} <span className="text-slate-500">({report.agreementRecorded} cases)</span></dd>
            <dt className="text-slate-500">Flag rate</dt><dd>{pct(report.model.flagRate)} <span className="text-slate-500">(production {pct(report.production.flagRate)})</span></dd>
            <dt className="text-slate-500">Drifter rate</dt><dd>{pct(report.model.drifterRate)} <span className="text-slate-500">(production {pct(report.production.drifterRate)})</span></dd>
            {d.endReason && <><dt className="text-slate-500">Ended</dt><dd>{d.endReason}</dd></>}
          </dl>
          <h4 className="mb-1 mt-3 font-medium">Disagreement cases for review ({report.disagreements.length})</h4>
          {report.disagreements.length === 0 ? (
            <p className="text-slate-500">None below the agreement threshold.</p>
          ) : (
            <ul className="max-h-48 overflow-auto">
              {report.disagreements.map((c) => (
                <li key={c.predictionId} className="tabular-nums"><a className="text-blue-700 underline" href={`/cases/${c.caseId}`}>{c.externalId}</a> — WT {f3(c.dice.WT)} · TC {f3(c.dice.TC)} · ET {f3(c.dice.ET)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
