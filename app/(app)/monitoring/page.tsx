import { requirePageUser } from '@/lib/server/auth/session';
import { getMonitoringSummary } from '@/lib/server/drift/summary';
import { PageHeader } from '@/components/ui/PageHeader';

export const dynamic = 'force-dynamic';

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="text-xs uppercase text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold">{value}</div>
    </div>
  );
}

const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

export default async function MonitoringPage() {
  await requirePageUser('monitoring:view');
  const s = await getMonitoringSummary();
  return (
    <>
      <PageHeader title="Monitoring" subtitle="Production inputs and outputs against the model's training reference." />
      <div className="grid grid-cols-2 gap-4 md:grid-cols-6">
        <Stat label="Cases" value={s.cases} />
        <Stat label="Predictions" value={s.predictions} />
        <Stat label="Drifters" value={s.drifters} />
        <Stat label="Drifter rate" value={pct(s.drifterRate)} />
        <Stat label="Flags" value={s.flags} />
        <Stat label="Flag rate" value={pct(s.flagRate)} />
      </div>
    </>
  );
}
