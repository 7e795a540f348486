'use client';
import * as Plot from '@observablehq/plot';
import { binShares, ecdf } from '@/lib/stats';
import { ChartFrame } from './ChartFrame';
import { PLOT_STYLE, usePlot } from './usePlot';

export interface DistributionOverlayProps {
  kind: string;
  label: string;
  unit: string;
  production: number[];
  reference: number[];
}

const COLORS = { domain: ['reference', 'production'], range: ['#94a3b8', '#2563eb'], legend: true } as const;
const BINS = 20;
const HEIGHT = 300;
const share = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Equal-width bins over both samples; each source's bar is its own share of cases (sample sizes differ). */
function histogramRows(production: number[], reference: number[]) {
  const all = [...production, ...reference];
  const lo = Math.min(...all);
  const width = (Math.max(...all) - lo) / BINS || 1;
  const edges = Array.from({ length: BINS - 1 }, (_, i) => lo + (i + 1) * width);
  return (['reference', 'production'] as const).flatMap((source) =>
    binShares(source === 'reference' ? reference : production, edges).map((share, i) => ({
      source,
      x1: lo + i * width,
      x2: lo + (i + 1) * width,
      share,
    })),
  );
}

/**
 * Production values against the training reference for one quantity: overlaid histograms (each normalised to its
 * own total, so sample sizes do not matter) and the two ECDFs.
 */
export function DistributionOverlay({ kind, label, unit, production, reference }: DistributionOverlayProps) {
  const x = { label: unit ? `${label} (${unit})` : label };
  const fmt = (v: number) => `${v.toPrecision(3)}${unit ? ` ${unit}` : ''}`;
  const hist = usePlot(
    (width) => {
      const rows = histogramRows(production, reference);
      return Plot.plot({
        width,
        height: HEIGHT,
        style: PLOT_STYLE,
        x,
        y: { label: 'share of cases', grid: true, percent: true },
        color: COLORS,
        // explicit y1/y2: the two histograms overlap instead of stacking
        marks: [
          Plot.rectY(rows, { x1: 'x1', x2: 'x2', y1: 0, y2: 'share', fill: 'source', fillOpacity: 0.5 }),
          Plot.ruleY([0]),
          Plot.tip(
            rows,
            // the tip anchors on the bin's middle (a point channel); x1/x2 alone give it no position
            Plot.pointerX({
              x: (r: (typeof rows)[number]) => (r.x1 + r.x2) / 2,
              y: 'share',
              title: (r: (typeof rows)[number]) => `${r.source}
${fmt(r.x1)} – ${fmt(r.x2)}
${share(r.share)} of cases`,
            }),
          ),
        ],
      });
    },
    [production, reference, label, unit],
  );
  const cdf = usePlot(
    (width) => {
      const rows = [
        ...ecdf(reference).map((p) => ({ ...p, source: 'reference' })),
        ...ecdf(production).map((p) => ({ ...p, source: 'production' })),
      ];
      return Plot.plot({
        width,
        height: HEIGHT,
        style: PLOT_STYLE,
        x,
        y: { label: 'cumulative share', domain: [0, 100], grid: true, percent: true },
        color: COLORS,
        marks: [
          Plot.line(rows, { x: 'x', y: 'p', stroke: 'source', curve: 'step-after' }),
          Plot.tip(
            rows,
            Plot.pointer({
              x: 'x',
              y: 'p',
              title: (r: (typeof rows)[number]) => `${r.source}
${share(r.p)} of cases at or below ${fmt(r.x)}`,
            }),
          ),
        ],
      });
    },
    [production, reference, label, unit],
  );
  return (
    <ChartFrame
      title={label}
      caption={`${production.length} production cases vs the model card's training reference`}
      testId={`overlay-${kind}`}
    >
      <div className="grid gap-2 md:grid-cols-2">
        <div ref={hist} data-testid={`histogram-${kind}`} />
        <div ref={cdf} data-testid={`ecdf-${kind}`} />
      </div>
    </ChartFrame>
  );
}
