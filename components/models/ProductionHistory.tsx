import Link from 'next/link';
import type { ProductionPeriod } from '@/lib/server/registry/history';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';

/** Which version answered clinicians when, rebuilt from the audit trail. */
export function ProductionHistory({ periods }: { periods: ProductionPeriod[] }) {
  if (periods.length === 0) return <EmptyState title="No production history recorded yet" />;
  return (
    <DataTable<ProductionPeriod>
      label="Production history"
      rows={periods}
      rowKey={(p) => `${p.modelVersionId}-${p.from}`}
      columns={[
        { header: 'Model', cell: (p) => <Link className="text-blue-700 underline" href={`/models/${p.modelVersionId}`}>{p.label}</Link> },
        { header: 'From', cell: (p) => formatDateTime(p.from) },
        { header: 'To', cell: (p) => (p.to ? formatDateTime(p.to) : 'now') },
        { header: 'How', cell: (p) => p.how },
        { header: 'By', cell: (p) => p.actor },
        { header: 'Reason', cell: (p) => p.reason ?? '—' },
      ]}
    />
  );
}
