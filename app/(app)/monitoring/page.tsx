import { z } from 'zod';
import { MONITORING_SPLITS } from '@/lib/monitoring-splits';
import { requirePageUser } from '@/lib/server/auth/session';
import { getMonitoringSummary } from '@/lib/server/drift/summary';
import { DEFAULT_OVERLAYS, getMonitoringDashboard } from '@/lib/server/drift/monitoring';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { QuantityTable } from '@/components/monitoring/DriftTables';
import { AlertGroups } from '@/components/monitoring/AlertGroups';
import { DistributionOverlay } from '@/components/monitoring/DistributionOverlay';
import { MonitoringControls } from '@/components/monitoring/MonitoringControls';
import { TimeSeriesChart } from '@/components/monitoring/TimeSeriesChart';
import { LatencyPanel } from '@/components/monitoring/LatencyPanel';
import { getLatencyWindows } from '@/lib/server/drift/latency';

export const dynamic = 'force-dynamic';

const viewSchema = z.object({
  window: z.enum(['cases', 'day', 'week']).catch('cases'),
  split: z.enum(MONITORING_SPLITS).catch('none'),
});

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="text-xs uppercase text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold">{value}</div>
    </div>
  );
}

const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mb-8">
      <h2 className="mb-3 text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export default async function MonitoringPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('monitoring:view');
  const view = viewSchema.parse(await searchParams);
  const [s, d, latency] = await Promise.all([
    getMonitoringSummary(),
    getMonitoringDashboard({ ...view, overlays: DEFAULT_OVERLAYS }),
    getLatencyWindows(),
  ]);
  return (
    <>
      <PageHeader
        title="Monitoring"
        subtitle={
          d
            ? `Production model ${d.model.name} ${d.model.version}: inputs and outputs against its training reference.`
            : 'Production inputs and outputs against the model\u2019s training reference.'
        }
      />
      <div className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-6">
        <Stat label="Cases" value={s.cases} />
        <Stat label="Predictions" value={s.predictions} />
        <Stat label="Drifters" value={s.drifters} />
        <Stat label="Drifter rate" value={pct(s.drifterRate)} />
        <Stat label="Flagged cases" value={s.flaggedCases} />
        <Stat label="Flag rate" value={pct(s.flagRate)} />
      </div>
      {!d ? (
        <EmptyState title="No production model">
          Population monitoring starts once a model is promoted to production and cases are predicted.
        </EmptyState>
      ) : (
        <>
          <MonitoringControls window={view.window} split={view.split} />
          <Section title="Alerts">
            <AlertGroups groups={d.alertGroups} />
          </Section>
          <Section title="Over time">
            <div className="grid gap-4 lg:grid-cols-2">
              <TimeSeriesChart
                title="Drifter and flag rate"
                caption="Share of cases per window"
                testId="chart-rates"
                points={d.rates}
                mode={d.windowMode}
                yLabel="share of cases (%)"
                percent
              />
              <TimeSeriesChart
                title="Predicted volumes"
                caption="Median per window (mL)"
                testId="chart-volumes"
                points={d.volumes}
                mode={d.windowMode}
                yLabel="mL"
              />
            </div>
          </Section>
          <Section title="Serving latency">
            <LatencyPanel windows={latency} />
          </Section>
          <Section title="Production against the training reference">
            <div className="grid gap-4">
              {d.overlays.map((o) => (
                <DistributionOverlay key={o.kind} {...o} />
              ))}
            </div>
          </Section>
          <Section title="Latest window">
            <QuantityTable rows={d.latest} />
          </Section>
        </>
      )}
    </>
  );
}
