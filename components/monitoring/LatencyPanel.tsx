'use client';
import * as Plot from '@observablehq/plot';
import { DataTable } from '@/components/ui/DataTable';
import type { LatencySeries, LatencyWindow } from '@/lib/server/drift/latency';
import { ChartFrame } from './ChartFrame';
import { usePlot } from './usePlot';

const LABEL: Record<LatencySeries, string> = {
  requestToReport: 'Request to drift report',
  queueWait: 'Queue wait',
  read: 'Read volumes',
  preprocess: 'Preprocess',
  network: 'Network',
  postprocess: 'Postprocess',
  drift: 'Drift checks',
  writes: 'Writes',
  other: 'Other',
};
/** The lines drawn over time; every stage is in the table of the latest day. */
const CHARTED: LatencySeries[] = ['requestToReport', 'network', 'queueWait'];
const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);

interface Point {
  window: string;
  series: string;
  quantile: 'p50' | 'p95';
  seconds: number;
}

/**
 * Serving latency per UTC day (issue #27): p50 and p95 of the request-to-drift-report time and of its slowest parts,
 * drawn over time so a slow-down is seen like any other drift; below, every stage's p50/p95 on the latest day.
 */
export function LatencyPanel({ windows }: { windows: LatencyWindow[] }) {
  const points: Point[] = windows.flatMap((w) =>
    CHARTED.flatMap((s) =>
      (['p50', 'p95'] as const).map((q) => ({ window: w.window, series: LABEL[s], quantile: q, seconds: w[q][s] / 1000 })),
    ),
  );
  const ref = usePlot(
    () =>
      Plot.plot({
        height: 90 + 110 * CHARTED.length,
        marginRight: 150,
        x: { label: 'day (UTC)', type: 'band', tickRotate: windows.length > 8 ? -30 : 0 },
        y: { label: 'seconds', grid: true, zero: true },
        fy: { label: null, domain: CHARTED.map((s) => LABEL[s]) },
        color: { legend: true, domain: ['p50', 'p95'] },
        marks: [
          Plot.line(points, { x: 'window', y: 'seconds', fy: 'series', stroke: 'quantile', marker: 'circle' }),
          Plot.tip(
            points,
            Plot.pointer({
              x: 'window',
              y: 'seconds',
              fy: 'series',
              title: (p: Point) => `${p.window} ${p.quantile}: ${p.seconds.toFixed(2)} s`,
            }),
          ),
        ],
      }),
    [windows],
  );
  const latest = windows.at(-1);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartFrame title="Serving latency" caption="p50 and p95 per day, production predictions (s)" testId="chart-latency">
        {windows.length === 0 ? <p className="text-sm text-slate-500">No timed predictions yet.</p> : <div ref={ref} />}
      </ChartFrame>
      {latest && (
        <DataTable<LatencySeries>
          label={`Latency by stage, ${latest.window} (${latest.predictions} predictions)`}
          rows={Object.keys(LABEL) as LatencySeries[]}
          rowKey={(s) => s}
          columns={[
            { header: 'Stage', cell: (s) => LABEL[s] },
            { header: 'p50 (s)', cell: (s) => seconds(latest.p50[s]) },
            { header: 'p95 (s)', cell: (s) => seconds(latest.p95[s]) },
          ]}
        />
      )}
    </div>
  );
}
