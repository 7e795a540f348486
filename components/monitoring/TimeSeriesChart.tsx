'use client';
import * as Plot from '@observablehq/plot';
import { ChartFrame } from './ChartFrame';
import { PLOT_STYLE, usePlot } from './usePlot';
import { windowAxis, windowTitle, type WindowMode } from './axes';

export interface TimeSeriesPoint {
  window: string;
  index: number;
  start: string;
  period: string | null;
  series: string;
  segment: string;
  value: number;
}

export interface TimeSeriesChartProps {
  title: string;
  caption?: string;
  testId: string;
  points: TimeSeriesPoint[];
  mode: WindowMode;
  yLabel: string;
  percent?: boolean;
}

/** Each facet gets this much height; the whole chart never less than MIN_HEIGHT. */
const FACET_HEIGHT = 160;
const MIN_HEIGHT = 320;

/** One panel per series (e.g. drifter rate, flag rate), one line per segment (all cases, or each site/scanner). */
export function TimeSeriesChart({ title, caption, testId, points, mode, yLabel, percent }: TimeSeriesChartProps) {
  const ref = usePlot(
    (width) => {
      const series = [...new Set(points.map((p) => p.series))];
      const axis = windowAxis(points, mode);
      const value = (v: number) => (percent ? `${(v * 100).toFixed(1)}%` : v.toPrecision(3));
      return Plot.plot({
        width,
        height: Math.max(MIN_HEIGHT, 80 + FACET_HEIGHT * series.length),
        marginBottom: axis.scale.tickRotate ? 60 : 40,
        marginRight: 90,
        style: PLOT_STYLE,
        x: { ...axis.scale, ticks: axis.scale.ticks as never, tickFormat: axis.scale.tickFormat as never },
        y: { label: yLabel, grid: true, percent: !!percent },
        fy: { label: null, domain: series },
        color: { legend: true },
        marks: [
          Plot.line(points, { x: axis.x, y: 'value', fy: 'series', stroke: 'segment', marker: 'circle' }),
          Plot.tip(
            points,
            // nearest window along x: the tooltip answers "what happened then", wherever the pointer is vertically
            Plot.pointerX({
              x: axis.x,
              y: 'value',
              fy: 'series',
              title: (p: TimeSeriesPoint) => `${windowTitle(p, mode)}\n${p.segment}\n${p.series}: ${value(p.value)}`,
            }),
          ),
        ],
      });
    },
    [points, mode, yLabel, percent],
  );
  return (
    <ChartFrame title={title} caption={caption} testId={testId}>
      {points.length === 0 ? <p className="text-sm text-slate-500">No data yet.</p> : <div ref={ref} />}
    </ChartFrame>
  );
}
