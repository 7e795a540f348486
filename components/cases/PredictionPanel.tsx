import type { PredictionViewDto } from '@/lib/server/cases/predictions';
import { Badge } from '@/components/ui/Badge';
import { formatMl } from '@/components/ui/format';

const REGIONS = ['NCR', 'ED', 'ET', 'TC', 'WT'] as const;

/** What the model said about a case: which version, which role, volumes, timings, and the drift verdict. */
export function PredictionPanel({ predictions }: { predictions: PredictionViewDto[] }) {
  if (predictions.length === 0)
    return (
      <p className="mb-4 text-slate-500" data-testid="no-prediction">
        No prediction yet: the case is waiting for segmentation.
      </p>
    );
  return (
    <div className="mb-6 grid gap-4 md:grid-cols-2">
      {predictions.map((p) => (
        <article
          key={p.id}
          className="rounded-lg border border-slate-200 bg-white p-4 text-sm"
          data-testid={`prediction-${p.role.toLowerCase()}`}
        >
          <header className="mb-2 flex items-center gap-2">
            <span className="font-medium">{p.model}</span>
            <Badge tone={p.returned ? 'good' : 'info'}>{p.returned ? 'shown to clinicians' : `${p.role.toLowerCase()} (hidden)`}</Badge>
            {p.drift && (p.drift.isDrifter ? <Badge tone="warn">drifter</Badge> : <Badge tone="good">in distribution</Badge>)}
          </header>
          <table className="mb-2 w-full" aria-label={`Volumes by ${p.model}`}>
            <tbody>
              {REGIONS.map((r) => (
                <tr key={r}>
                  <th scope="row" className="w-16 text-left font-normal text-slate-500">
                    {r}
                  </th>
                  <td>{formatMl(p.volumesMl[r])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {p.uncertainty != null && <p>Uncertainty (mean entropy in tumour): {p.uncertainty.toFixed(3)}</p>}
          {p.timingsMs && <p className="text-slate-500">Inference {Math.round(p.timingsMs.total ?? 0)} ms</p>}
          {p.drift && p.drift.reasons.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-amber-800" aria-label="Drift reasons">
              {p.drift.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </article>
      ))}
    </div>
  );
}
