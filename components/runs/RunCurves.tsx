'use client';
import * as Plot from '@observablehq/plot';
import type { CurvePoint, RunCurveDto } from '@/lib/server/workflows/curve';
import { ChartFrame } from '@/components/monitoring/ChartFrame';
import { PLOT_STYLE, usePlot } from '@/components/monitoring/usePlot';

const HEIGHT = 300;

const reported = (curve: RunCurveDto, key: 'loss' | 'valDice') => curve.points.filter((p) => p[key] != null);

function useCurvePlot(curve: RunCurveDto, key: 'loss' | 'valDice', label: string) {
  return usePlot(
    (width) => {
      const rows = reported(curve, key);
      if (rows.length === 0) return null;
      const xLabel = curve.x === 'step' ? 'training step' : 'epoch';
      const xDomain = curve.x === 'step' && curve.totalSteps ? [0, curve.totalSteps] : undefined;
      const title = (p: CurvePoint) => `${xLabel} ${p.step} (epoch ${p.epoch})\n${label} ${p[key]!.toFixed(4)}`;
      return Plot.plot({
        width,
        height: HEIGHT,
        style: PLOT_STYLE,
        x: { label: xLabel, domain: xDomain },
        y: { label, grid: true, ...(key === 'valDice' ? { domain: [0, 1] } : { zero: true }) },
        marks: [
          Plot.line(rows, { x: 'step', y: key, stroke: '#2563eb', curve: key === 'valDice' ? 'step-after' : 'linear' }),
          Plot.dot(rows, { x: 'step', y: key, fill: '#2563eb', r: 2.5 }),
          Plot.tip(rows, Plot.pointerX({ x: 'step', y: key, title })),
        ],
      });
    },
    [curve, key, label],
  );
}

/**
 * Training loss and validation Dice against the step (live runs) or the epoch (a curve read from the uploaded
 * metrics.json). Redrawn on every poll while the run is live.
 */
export function RunCurves({ curve }: { curve: RunCurveDto }) {
  const lossRef = useCurvePlot(curve, 'loss', 'loss');
  const diceRef = useCurvePlot(curve, 'valDice', 'validation Dice');
  const [losses, dices] = [reported(curve, 'loss').length, reported(curve, 'valDice').length];
  const empty = <p className="text-sm text-slate-500">No point reported yet.</p>;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartFrame title="Training loss" caption="Dice + cross-entropy, running mean" testId="curve-loss">
        <div data-points={losses}>
          <div ref={lossRef} />
          {!losses && empty}
        </div>
      </ChartFrame>
      <ChartFrame title="Validation Dice" caption="Mean over WT, TC and ET on the validation cases" testId="curve-dice">
        <div data-points={dices}>
          <div ref={diceRef} />
          {!dices && empty}
        </div>
      </ChartFrame>
    </div>
  );
}
