import Link from 'next/link';
import type { EvaluationRowDto } from '@/lib/server/evaluation/queries';
import { DataTable } from '@/components/ui/DataTable';
import { EmptyState } from '@/components/ui/EmptyState';
import { formatDateTime } from '@/components/ui/format';
import { ProgressBar } from '@/components/runs/ProgressBar';
import { VerdictBadge } from './VerdictBadge';

/** A model's evaluations (as candidate, or as the production baseline of others), newest first. */
export function EvaluationList({ rows }: { rows: EvaluationRowDto[] }) {
  if (rows.length === 0) return <EmptyState title="Not evaluated yet" />;
  return (
    <DataTable<EvaluationRowDto>
      label="Evaluations"
      rows={rows}
      rowKey={(e) => e.id}
      columns={[
        { header: 'Candidate', cell: (e) => `${e.candidate.name}@${e.candidate.version}` },
        { header: 'Baseline', cell: (e) => (e.baseline ? `${e.baseline.name}@${e.baseline.version}` : 'none') },
        { header: 'Criteria', cell: (e) => `v${e.criteriaVersion}` },
        { header: 'Verdict', cell: (e) => <VerdictBadge verdict={e.verdict} /> },
        { header: 'Run', cell: (e) => (e.finishedAt ? e.runStatus : <ProgressBar value={e.progress} label="Evaluation progress" />) },
        { header: 'Finished', cell: (e) => formatDateTime(e.finishedAt) },
        {
          header: 'Compare',
          cell: (e) =>
            e.finishedAt ? (
              <Link className="text-blue-700 underline" href={`/models/compare?candidate=${e.candidate.id}&evaluation=${e.id}`}>
                open
              </Link>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}
