import Link from 'next/link';
import { Badge } from '@/components/ui/Badge';
import { EmptyState } from '@/components/ui/EmptyState';
import { reviewQueueHref, type AlertWindowGroup, type DriverCase } from '@/lib/server/drift/monitoring/alerts';
import type { AlertRow } from '@/lib/server/drift/monitoring';

const TONE = { alert: 'bad', warn: 'warn' } as const;
/** The newest windows are open; older ones stay one line each until opened. */
const OPEN_GROUPS = 2;
const link = 'text-blue-700 underline';
const pval = (p: number | null) => (p == null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

function segmentFigures(a: AlertRow): string {
  const w1 = a.w1 == null ? '' : `, W1 ${a.w1.toPrecision(3)}${a.unit ? ` ${a.unit}` : ''}`;
  return `${a.segment} (n = ${a.n}): PSI ${a.psi?.toFixed(2) ?? '—'}, KS p ${pval(a.ksP)}${w1}`;
}

function CaseLinks({ cases }: { cases: DriverCase[] }) {
  if (cases.length === 0) return null;
  const outside = cases.some((c) => c.outside);
  return (
    <p className="mt-1 text-xs text-slate-600">
      {outside ? 'Cases outside the reference’s 5–95% range: ' : 'No case is outside the reference range; furthest from it: '}
      {cases.map((c, i) => (
        <span key={c.caseId}>
          {i > 0 && ', '}
          <Link className={link} href={`/cases/${c.caseId}`} title={`value ${c.value.toPrecision(3)}`}>
            {c.externalId}
          </Link>
        </span>
      ))}{' '}
      ·{' '}
      <Link className={link} href={reviewQueueHref(cases.map((c) => c.caseId))}>
        review these {cases.length}
      </Link>
    </p>
  );
}

function WindowGroup({ group, open }: { group: AlertWindowGroup<AlertRow>; open: boolean }) {
  const alerts = group.quantities.reduce((n, q) => n + q.alerts.length, 0);
  return (
    <details open={open} className="rounded-lg border border-slate-200 bg-white" data-testid="alert-group">
      <summary className="cursor-pointer px-4 py-2">
        <Badge tone={TONE[group.status]}>{group.status}</Badge> <span className="font-medium">{group.window}</span>{' '}
        <span className="text-sm text-slate-500">
          {group.quantities.length} {group.quantities.length === 1 ? 'quantity' : 'quantities'}, {alerts}{' '}
          {alerts === 1 ? 'alert' : 'alerts'}, {group.caseIds.length} cases behind them
        </span>
      </summary>
      <div className="border-t border-slate-100 px-4 py-3">
        {group.caseIds.length > 0 && (
          <Link className={`${link} text-sm`} href={reviewQueueHref(group.caseIds)}>
            Open the {group.caseIds.length} cases of this window in the review queue
          </Link>
        )}
        <ul className="mt-2 space-y-3" aria-label={`Alerts in ${group.window}`}>
          {group.quantities.map((q) => (
            <li key={q.kind} data-testid="alert-quantity">
              <Badge tone={TONE[q.status]}>{q.status}</Badge> <span className="font-medium">{q.label}</span>
              <ul className="ml-4 text-sm text-slate-700">
                {q.alerts.map((a) => (
                  <li key={a.segment} title={a.message}>
                    {segmentFigures(a)}
                  </li>
                ))}
              </ul>
              <CaseLinks cases={q.cases} />
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

/** Drift alerts grouped by window (newest first) and quantity, each with the cases behind it. */
export function AlertGroups({ groups }: { groups: AlertWindowGroup<AlertRow>[] }) {
  if (groups.length === 0)
    return <EmptyState title="No drift alerts">Every tracked quantity is within its training reference in every window.</EmptyState>;
  return (
    <div className="space-y-2" aria-label="Drift alerts" role="region">
      {groups.map((g, i) => (
        <WindowGroup key={g.window} group={g} open={i < OPEN_GROUPS} />
      ))}
    </div>
  );
}
