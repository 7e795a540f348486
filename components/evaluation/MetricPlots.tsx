'use client';
import * as Plot from '@observablehq/plot';
import type { ComparisonRowDto } from '@/lib/server/evaluation/compare';
import { usePlot } from '@/components/monitoring/usePlot';

type Region = 'WT' | 'TC' | 'ET';

/**
 * Per-case Dice of both models as box plots with the cases as dots (one row per set), and the paired differences as a
 * strip: a box hides a few catastrophic cases, the dots show them.
 */
export function MetricPlots({ rows, region }: { rows: ComparisonRowDto[]; region: Region }) {
  const long = rows.flatMap((r) => {
    const g = r.regions[region];
    const out = [{ set: r.setName, model: 'candidate', dice: g.candidate, case: r.externalId }];
    if (g.baseline !== null) out.push({ set: r.setName, model: 'production', dice: g.baseline, case: r.externalId });
    return out;
  });
  const diffs = rows
    .filter((r) => r.regions[region].diff !== null)
    .map((r) => ({ set: r.setName, diff: r.regions[region].diff!, case: r.externalId }));
  // One row per set and model ("set · model"), so long set names sit on the left axis instead of clipped facet labels.
  const rowOf = (d: { set: string; model: string }) => `${d.set} · ${d.model}`;
  const boxes = usePlot(
    () =>
      Plot.plot({
        height: 50 + 28 * new Set(long.map(rowOf)).size,
        marginLeft: 240,
        x: { domain: [0, 1], label: `${region} Dice`, grid: true },
        y: { label: null, domain: [...new Set(long.map(rowOf))].sort() },
        color: { domain: ['production', 'candidate'], range: ['#94a3b8', '#2563eb'], legend: true },
        marks: [
          Plot.boxX(long, { x: 'dice', y: rowOf, stroke: 'model', fill: 'model', fillOpacity: 0.15 }),
          Plot.dot(long, {
            x: 'dice',
            y: rowOf,
            fill: 'model',
            r: 2.5,
            title: (d: { case: string; dice: number }) => `${d.case}: ${d.dice.toFixed(3)}`,
          }),
        ],
      }),
    [rows, region],
  );
  const strip = usePlot(
    () =>
      diffs.length === 0
        ? null
        : Plot.plot({
            height: 60 + 40 * new Set(diffs.map((d) => d.set)).size,
            marginLeft: 240,
            x: { label: `${region} Dice, candidate − production`, grid: true },
            y: { label: null },
            marks: [
              Plot.ruleX([0], { stroke: '#0f172a' }),
              Plot.dot(diffs, {
                x: 'diff',
                y: 'set',
                fill: (d: { diff: number }) => (d.diff < 0 ? '#b91c1c' : '#047857'),
                r: 3,
                title: (d: { case: string; diff: number }) => `${d.case}: ${d.diff.toFixed(3)}`,
              }),
            ],
          }),
    [rows, region],
  );
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <figure className="rounded-lg border border-slate-200 bg-white p-3" data-testid="plot-dice">
        <figcaption className="mb-1 text-sm font-medium">Per-case {region} Dice by set</figcaption>
        <div ref={boxes} />
      </figure>
      <figure className="rounded-lg border border-slate-200 bg-white p-3" data-testid="plot-diff">
        <figcaption className="mb-1 text-sm font-medium">Paired differences</figcaption>
        <div ref={strip} />
      </figure>
    </div>
  );
}
