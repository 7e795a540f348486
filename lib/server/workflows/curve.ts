/**
 * A training run's loss and validation curve. Live runs (LOCAL and COMMAND runners, which read the trainer's stdout)
 * store a point per progress event on the run row; a run whose trainer ran elsewhere (GitHub Actions) gets its curve
 * from the per-epoch history in the metrics.json it uploaded. Pure (unit-tested); no `server-only` so the page's
 * client chart can share the types.
 */

/** One reported training step: the running loss, and the latest validation Dice (mean over regions) if any. */
export interface CurvePoint {
  step: number;
  epoch: number;
  loss: number | null;
  valDice: number | null;
}

export interface RunCurveDto {
  /** 'step' for stored live points, 'epoch' for a curve read from metrics.json's per-epoch history. */
  x: 'step' | 'epoch';
  points: CurvePoint[];
  totalSteps: number | null;
}

export const EMPTY_CURVE: RunCurveDto = { x: 'step', points: [], totalSteps: null };

/** A very long run keeps every other point once it has this many: the chart stays cheap to poll and draw. */
export const MAX_POINTS = 2_000;

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Adds a point (replacing one already at its step), thinning the older half when the curve reaches MAX_POINTS. */
export function appendPoint(points: CurvePoint[], p: CurvePoint, max = MAX_POINTS): CurvePoint[] {
  const kept = points.length && points[points.length - 1].step === p.step ? points.slice(0, -1) : points;
  const next = [...kept, p];
  if (next.length <= max) return next;
  return next.filter((_, i) => i % 2 === 1 || i === next.length - 1);
}

/** The stored JSON column, read defensively: rows written before the column existed hold null. */
export function storedCurve(value: unknown): { points: CurvePoint[]; totalSteps: number | null } {
  const v = value as { points?: unknown; totalSteps?: unknown } | null;
  if (!v || !Array.isArray(v.points)) return { points: [], totalSteps: null };
  const points = v.points.flatMap((raw): CurvePoint[] => {
    const p = raw as Record<string, unknown>;
    const step = finite(p?.step);
    return step == null ? [] : [{ step, epoch: finite(p.epoch) ?? 0, loss: finite(p.loss), valDice: finite(p.valDice) }];
  });
  return { points, totalSteps: finite(v.totalSteps) };
}

/**
 * metrics.json's `history` (training/src/tumorwatch_train/train.py): one entry per epoch with the mean loss and, on
 * validated epochs, `val_dice: { mean, WT, TC, ET }`. Anything else yields an empty curve.
 */
export function curveFromHistory(metrics: unknown): RunCurveDto {
  const history = (metrics as { history?: unknown } | null)?.history;
  if (!Array.isArray(history)) return EMPTY_CURVE;
  const points = history.flatMap((raw): CurvePoint[] => {
    const e = raw as { epoch?: unknown; loss?: unknown; val_dice?: unknown };
    const epoch = finite(e?.epoch);
    if (epoch == null) return [];
    const dice = e.val_dice && typeof e.val_dice === 'object' ? finite((e.val_dice as { mean?: unknown }).mean) : finite(e.val_dice);
    return [{ step: epoch, epoch, loss: finite(e.loss), valDice: dice }];
  });
  return { x: 'epoch', points, totalSteps: null };
}
