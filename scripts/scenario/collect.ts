/**
 * Reads back what the app recorded for the scenario's arrivals (read-only): each case's production drift verdict and
 * when it was written, and the serving latencies, for the drift-detection and throughput figures.
 */
import { db } from '@/lib/server/db';
import type { StreamCase } from './measure';
import type { Arrival } from './stream';

export async function streamCases(arrivals: Arrival[]): Promise<StreamCase[]> {
  const reports = await db().driftReport.findMany({
    where: { caseId: { in: arrivals.map((a) => a.caseId) }, prediction: { role: 'PRODUCTION' } },
    select: { caseId: true, isDrifter: true, createdAt: true },
  });
  const byCase = new Map(reports.map((r) => [r.caseId, r]));
  return arrivals.map((a) => {
    const r = byCase.get(a.caseId);
    return {
      index: a.index,
      shifted: a.ref.domain === 'B',
      sentAt: a.sentAt,
      isDrifter: r ? r.isDrifter : null,
      reportedAt: r ? r.createdAt.getTime() : null,
    };
  });
}

const median = (v: number[]) => {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface Throughput {
  cases: number;
  seconds: number;
  casesPerHour: number;
  /** request sent -> drift report written, per case */
  medianLatencyS: number | null;
  /** the production model's own time per case (preprocess, sliding window, postprocess) */
  medianInferenceS: number | null;
}

/** Cases per hour through ingestion, production inference and drift checks: first request to last drift report. */
export async function throughput(arrivals: Arrival[], cases: StreamCase[]): Promise<Throughput> {
  const reported = cases.filter((c) => c.reportedAt !== null);
  const start = Math.min(...arrivals.map((a) => a.sentAt));
  const end = Math.max(...reported.map((c) => c.reportedAt!));
  const seconds = (end - start) / 1000;
  const predictions = await db().prediction.findMany({
    where: { caseId: { in: arrivals.map((a) => a.caseId) }, role: 'PRODUCTION' },
    select: { latencyMs: true },
  });
  return {
    cases: reported.length,
    seconds,
    casesPerHour: seconds > 0 ? (reported.length * 3600) / seconds : 0,
    medianLatencyS: median(reported.map((c) => (c.reportedAt! - c.sentAt) / 1000)),
    medianInferenceS: median(predictions.map((p) => p.latencyMs / 1000)),
  };
}
