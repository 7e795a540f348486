import { Badge } from '@/components/ui/Badge';
import type { CaseDriftReportDto } from '@/lib/server/drift/queries';
import type { CheckResult } from '@/lib/server/drift/types';

const FAMILIES = [
  { key: 'input', title: 'Input metadata' },
  { key: 'image', title: 'Image-based' },
  { key: 'output', title: 'Output-based' },
] as const;
const TONE = { pass: 'good', warn: 'warn', fail: 'bad', info: 'neutral', skipped: 'neutral' } as const;

function show(v: CheckResult['value'], unit?: string): string {
  if (v == null) return '—';
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));
  const s = Array.isArray(v) ? v.map(n).join(' × ') : typeof v === 'number' ? n(v) : v;
  return unit ? `${s} ${unit}` : s;
}

function referenceText(c: CheckResult): string {
  const r = c.reference as
    { median?: number; low?: number; high?: number; quantile?: number; population?: string } | string | unknown[] | null;
  if (typeof r === 'string') return r;
  if (Array.isArray(r)) return r.map((x) => (Array.isArray(x) ? x.join('×') : String(x))).join(', ');
  if (r && typeof r === 'object' && r.median != null && r.low != null && r.high != null)
    return `${r.population ?? 'training'}: median ${r.median.toPrecision(3)}, ${Math.round((1 - (r.quantile ?? 0.99)) * 100)}–${Math.round((r.quantile ?? 0.99) * 100)}% ${r.low.toPrecision(3)}–${r.high.toPrecision(3)}`;
  return '—';
}

/** The per-case drift report: the verdict, its reasons, and every check by family (value, reference, verdict). */
export function DriftReportPanel({ report }: { report: CaseDriftReportDto | null }) {
  if (!report)
    return <p className="text-sm text-slate-500">No drift report yet: it is written after the production model segments the case.</p>;
  return (
    <section aria-label="Drift report" className="space-y-3 text-sm">
      <p>
        {report.isDrifter ? <Badge tone="warn">drifter</Badge> : <Badge tone="good">in distribution</Badge>}{' '}
        <span className="text-slate-500">score {report.score.toFixed(2)} (1 = at a threshold)</span>
      </p>
      {report.reasons.length > 0 && (
        <ul className="list-disc pl-5" aria-label="Drift reasons">
          {report.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {FAMILIES.map((f) => {
        const checks = report.checks.filter((c) => c.family === f.key);
        if (checks.length === 0) return null;
        return (
          <details key={f.key} open={checks.some((c) => c.verdict === 'fail')} className="rounded border border-slate-200 bg-white">
            <summary className="cursor-pointer px-3 py-2 font-medium">
              {f.title}{' '}
              <span className="text-xs text-slate-500">
                ({checks.filter((c) => c.verdict === 'fail').length} failed of {checks.length})
              </span>
            </summary>
            <table className="w-full text-left text-xs">
              <thead className="bg-slate-50 text-slate-500">
                <tr>
                  <th className="px-3 py-1">Check</th>
                  <th className="px-3 py-1">Value</th>
                  <th className="px-3 py-1">Reference</th>
                  <th className="px-3 py-1">Verdict</th>
                </tr>
              </thead>
              <tbody>
                {checks.map((c) => (
                  <tr key={c.kind} className="border-t border-slate-100">
                    <td className="px-3 py-1">{c.label}</td>
                    <td className="px-3 py-1">{show(c.value, c.unit)}</td>
                    <td className="px-3 py-1 text-slate-500">{referenceText(c)}</td>
                    <td className="px-3 py-1">
                      <Badge tone={TONE[c.verdict]}>{c.verdict}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        );
      })}
    </section>
  );
}
