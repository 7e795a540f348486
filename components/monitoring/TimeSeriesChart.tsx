'use client';
import * as Plot from '@observablehq/plot';
import { ChartFrame } from './ChartFrame';
import { usePlot } from './usePlot';

export interface TimeSeriesPoint {
  window: string;
  index: number;
  series: string;
  segment: string;
  value: number;
}

export interface TimeSeriesChartProps {
  title: string;
  caption?: string;
  testId: string;
  points: TimeSeriesPoint[];
  yLabel: string;
  percent?: boolean;
}

/** One panel per series (e.g. drifter rate, flag rate), one line per segment (all cases, or each site/scanner). */
export function TimeSeriesChart({ title, caption, testId, points, yLabel, percent }: TimeSeriesChartProps) {
  const ref = usePlot(() => {
    const series = [...new Set(points.map((p) => p.series))];
    return Plot.plot({
      height: 90 + 120 * series.length,
      marginRight: 90,
      x: { label: 'window', tickFormat: (i: number) => String(i + 1), ticks: Math.min(10, new Set(points.map((p) => p.index)).size) },
      y: { label: yLabel, grid: true, percent: !!percent },
      fy: { label: null, domain: series },
      color: { legend: true },
      marks: [
        Plot.line(points, { x: 'index', y: 'value', fy: 'series', stroke: 'segment', marker: 'circle' }),
        Plot.tip(
          points,
          Plot.pointer({
            x: 'index',
            y: 'value',
            fy: 'series',
            title: (p: TimeSeriesPoint) =>
              `${p.window} (${p.segment})\n${p.series}: ${percent ? `${(p.value * 100).toFixed(1)}%` : p.value.toPrecision(3)}`,
          }),
        ),
      ],
    });
  }, [points, yLabel, percent]);
  return (
    <ChartFrame title={title} caption={caption} testId={testId}>
      {points.length === 0 ? <p className="text-sm text-slate-500">No data yet.</p> : <div ref={ref} />}
    </ChartFrame>
  );
}
