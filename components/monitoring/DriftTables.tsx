import { Badge } from '@/components/ui/Badge';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import type { QuantityRow } from '@/lib/server/drift/monitoring';

const TONE = { alert: 'bad', warn: 'warn', ok: 'good', insufficient: 'neutral' } as const;
const num = (v: number | null, d = 2) => (v == null ? '—' : v.toFixed(d));
const pval = (p: number | null) => (p == null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

/** PSI, KS p-value and Wasserstein distance of each tracked quantity in the latest window. */
export function QuantityTable({ rows }: { rows: QuantityRow[] }) {
  if (rows.length === 0)
    return <EmptyState title="No windows yet">Drift statistics appear once production cases have drift reports.</EmptyState>;
  return (
    <DataTable<QuantityRow>
      label="Latest window"
      rows={rows}
      rowKey={(r) => r.kind}
      columns={[
        { header: 'Quantity', cell: (r) => r.label },
        { header: 'Cases', cell: (r) => r.n },
        { header: 'PSI', cell: (r) => num(r.psi) },
        { header: 'KS p', cell: (r) => pval(r.ksP) },
        { header: 'W1', cell: (r) => (r.w1 == null ? '—' : `${r.w1.toPrecision(3)}${r.unit ? ` ${r.unit}` : ''}`) },
        { header: 'W1 / IQR', cell: (r) => num(r.w1Iqr) },
        { header: 'Status', cell: (r) => <Badge tone={TONE[r.status]}>{r.status}</Badge> },
      ]}
    />
  );
}
