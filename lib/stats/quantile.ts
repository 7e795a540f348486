/**
 * Quantile helpers shared by the drift checks, population monitoring and charts. Quantiles interpolate linearly
 * between order statistics exactly like numpy's default (`np.quantile(x, p)`, method "linear"), because the model
 * card's reference quantiles were computed with numpy and a production statistic must be computed the same way.
 */

/** A distribution summarised by its quantiles: values[i] is the levels[i] quantile (levels ascending in [0, 1]). */
export interface QuantileSummary {
  levels: number[];
  values: (number | null)[];
}

/** numpy-linear quantile of an ascending-sorted sample; NaN for an empty sample. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Quantiles of an unsorted sample at several levels (one sort). */
export function quantiles(values: ArrayLike<number>, levels: number[]): number[] {
  const s = sortedCopy(values);
  return levels.map((p) => quantileSorted(s, p));
}

/** The summary's known points (null values dropped), as parallel arrays. */
function points(q: QuantileSummary): { levels: number[]; values: number[] } {
  const levels: number[] = [];
  const values: number[] = [];
  q.levels.forEach((l, i) => {
    const v = q.values[i];
    if (v != null && Number.isFinite(v)) {
      levels.push(l);
      values.push(v);
    }
  });
  return { levels, values };
}

/** True when the summary holds at least one value (a card built from zero cases holds nulls). */
export function hasValues(q: QuantileSummary | null | undefined): q is QuantileSummary {
  return !!q && points(q).values.length > 0;
}

/** The p-quantile read off a summary by linear interpolation between its levels (clamped to its ends). */
export function summaryQuantile(q: QuantileSummary, p: number): number {
  const { levels, values } = points(q);
  if (values.length === 0) return NaN;
  if (p <= levels[0]) return values[0];
  for (let i = 1; i < levels.length; i++) {
    if (p <= levels[i]) {
      const span = levels[i] - levels[i - 1];
      const t = span > 0 ? (p - levels[i - 1]) / span : 1;
      return values[i - 1] + t * (values[i] - values[i - 1]);
    }
  }
  return values[values.length - 1];
}

/**
 * Where x falls in the summarised distribution, as a cumulative level in [0, 1] (the inverse of summaryQuantile,
 * taking the middle of a flat stretch where several levels share one value, so a value equal to a constant
 * reference sits at its median rather than at an end).
 */
export function summaryRank(q: QuantileSummary, x: number): number {
  const { levels, values } = points(q);
  if (values.length === 0) return NaN;
  if (x < values[0]) return 0;
  if (x > values[values.length - 1]) return 1;
  let first = -1;
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === x) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first >= 0) return (levels[first] + levels[last]) / 2;
  for (let i = 1; i < values.length; i++) {
    if (x < values[i]) return levels[i - 1] + ((x - values[i - 1]) / (values[i] - values[i - 1])) * (levels[i] - levels[i - 1]);
  }
  return 1;
}

/**
 * A sample of size n whose empirical distribution follows the summary: the quantiles at the mid-levels
 * (i + 0.5) / n. The card stores quantiles, not the training values; a two-sample test against this pseudo-sample
 * with n = the number of training cases keeps the reference's own sampling uncertainty in the test.
 */
export function referenceSample(q: QuantileSummary, n: number): number[] {
  const size = Math.max(1, Math.round(n));
  return Array.from({ length: size }, (_, i) => summaryQuantile(q, (i + 0.5) / size));
}

/** Empirical CDF points (value, cumulative fraction) of a sample, ties collapsed, for ECDF charts. */
export function ecdf(values: ArrayLike<number>): { x: number; p: number }[] {
  const s = sortedCopy(values);
  const out: { x: number; p: number }[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i + 1] === s[i]) continue;
    out.push({ x: s[i], p: (i + 1) / s.length });
  }
  return out;
}
