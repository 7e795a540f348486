import 'server-only';
import { db } from '../db';
import { STAGES, type StoredTimings } from '../serving/stage-timings';

/**
 * Serving latency as a monitored quantity (issue #27): the p50 and p95 of the request-to-drift-report time and of
 * each of its stages (Prediction.timingsMs.stages, written by the serving job), per UTC day, over the production
 * predictions of the last `days` days. A slow-down shows as a rising line like any other drift.
 */
export const LATENCY_SERIES = ['requestToReport', ...STAGES] as const;
export type LatencySeries = (typeof LATENCY_SERIES)[number];

export interface LatencyWindow {
  /** UTC day, YYYY-MM-DD */
  window: string;
  predictions: number;
  p50: Record<LatencySeries, number>;
  p95: Record<LatencySeries, number>;
}

/** The nearest-rank quantile (a value that occurred), as the drift tables report. */
export function nearestRank(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export async function getLatencyWindows(opts: { days?: number; now?: Date } = {}): Promise<LatencyWindow[]> {
  const days = opts.days ?? 30;
  const since = new Date((opts.now ?? new Date()).getTime() - days * 86_400_000);
  const rows = await db().prediction.findMany({
    where: { role: 'PRODUCTION', createdAt: { gte: since } },
    select: { createdAt: true, timingsMs: true },
    orderBy: { createdAt: 'asc' },
  });
  const byDay = new Map<string, Required<Pick<StoredTimings, 'stages' | 'requestToReport'>>[]>();
  for (const r of rows) {
    const t = r.timingsMs as StoredTimings | null;
    // predictions stored before the breakdown existed (or by a retry that skipped the prediction) have none
    if (!t?.stages || t.requestToReport == null) continue;
    const day = r.createdAt.toISOString().slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), { stages: t.stages, requestToReport: t.requestToReport }]);
  }
  return [...byDay.entries()].map(([window, ts]) => {
    const valuesOf = (s: LatencySeries) => ts.map((t) => (s === 'requestToReport' ? t.requestToReport : t.stages[s]));
    const at = (q: number) =>
      Object.fromEntries(LATENCY_SERIES.map((s) => [s, nearestRank(valuesOf(s), q)])) as Record<LatencySeries, number>;
    return { window, predictions: ts.length, p50: at(0.5), p95: at(0.95) };
  });
}
