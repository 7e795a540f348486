import 'server-only';
import type { BarChart } from './types';
import { num } from './format';

/**
 * Geometry of a horizontal grouped bar chart, in abstract units (SVG pixels, PDF points): one row group per set and
 * region, one bar per series, a whisker for the interval and the value printed at the bar's end. Horizontal so that
 * long set names stay readable; computed once so the HTML and the PDF draw the same figure.
 */
export const SERIES_COLOURS = ['#64748b', '#2563eb', '#059669', '#d97706'];

export interface ChartLayout {
  width: number;
  height: number;
  legend: { x: number; y: number; colour: string; label: string }[];
  rows: { y: number; label: string }[];
  bars: {
    x: number;
    y: number;
    w: number;
    h: number;
    colour: string;
    valueText: string;
    textX: number;
    whisker: { x1: number; x2: number; y: number } | null;
  }[];
  ticks: { x: number; label: string }[];
  plot: { x0: number; x1: number; y0: number; y1: number };
}

const BAR = 9;
const GAP = 8;
const LABEL_W = 190;
const LABEL_CHARS = 36;
const LEGEND_H = 18;
const AXIS_H = 18;
const VALUE_W = 30;

/** Long set names keep their end (the region), which tells the rows of one set apart. */
const shorten = (s: string) => (s.length > LABEL_CHARS ? `…${s.slice(-(LABEL_CHARS - 1))}` : s);

export function layoutChart(c: BarChart, width: number): ChartLayout {
  const [d0, d1] = c.domain ?? [0, 1];
  const x0 = LABEL_W;
  const x1 = width - VALUE_W;
  const xOf = (v: number) => x0 + ((Math.min(Math.max(v, d0), d1) - d0) / (d1 - d0)) * (x1 - x0);
  const groupH = c.series.length * BAR + GAP;
  const y0 = LEGEND_H;
  const y1 = y0 + c.groups.length * groupH;
  const bars: ChartLayout['bars'] = [];
  c.groups.forEach((g, gi) =>
    g.bars.forEach((b, si) => {
      if (!b || !Number.isFinite(b.value)) return;
      const y = y0 + gi * groupH + GAP / 2 + si * BAR;
      const hasCi = b.lower !== undefined && b.upper !== undefined;
      const end = Math.max(xOf(b.value), hasCi ? xOf(b.upper!) : 0);
      bars.push({
        x: x0,
        y,
        w: Math.max(xOf(b.value) - x0, 0.5),
        h: BAR - 1,
        colour: SERIES_COLOURS[si % SERIES_COLOURS.length],
        valueText: num(b.value),
        textX: end + 2,
        whisker: hasCi ? { x1: xOf(b.lower!), x2: xOf(b.upper!), y: y + (BAR - 1) / 2 } : null,
      });
    }),
  );
  const ticks = Array.from({ length: 6 }, (_, i) => d0 + ((d1 - d0) * i) / 5).map((v) => ({ x: xOf(v), label: num(v, 1) }));
  return {
    width,
    height: y1 + AXIS_H,
    legend: c.series.map((label, i) => ({ x: x0 + i * 110, y: 4, colour: SERIES_COLOURS[i % SERIES_COLOURS.length], label })),
    rows: c.groups.map((g, gi) => ({ y: y0 + gi * groupH + groupH / 2, label: shorten(g.label) })),
    bars,
    ticks,
    plot: { x0, x1, y0, y1 },
  };
}
