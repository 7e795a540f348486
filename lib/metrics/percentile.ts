/**
 * numpy's pairwise summation of float64 (np.sum / np.add.reduce): below 8 values a plain loop, up to 128 eight
 * interleaved accumulators, above that the halves (rounded down to a multiple of 8) summed recursively. Used for the
 * total surfel area so that the cumulative fractions of the HD95 percentile round exactly as in the reference.
 */
export function pairwiseSum(a: Float64Array, lo = 0, n = a.length - lo): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[lo + i];
    return s;
  }
  if (n <= 128) {
    let r0 = a[lo],
      r1 = a[lo + 1],
      r2 = a[lo + 2],
      r3 = a[lo + 3];
    let r4 = a[lo + 4],
      r5 = a[lo + 5],
      r6 = a[lo + 6],
      r7 = a[lo + 7];
    const whole = n - (n % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      r0 += a[lo + i];
      r1 += a[lo + i + 1];
      r2 += a[lo + i + 2];
      r3 += a[lo + i + 3];
      r4 += a[lo + i + 4];
      r5 += a[lo + i + 5];
      r6 += a[lo + i + 6];
      r7 += a[lo + i + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[lo + i];
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, lo, half) + pairwiseSum(a, lo + half, n - half);
}

/**
 * Weighted percentile with DeepMind's convention: order the samples by (value, weight), take the cumulative weight
 * divided by the total (np.cumsum / np.sum), return the value at the first position where that fraction reaches q
 * (np.searchsorted, side 'left'), or the largest value when rounding keeps every fraction below q.
 *
 * Weights are given as ranks into `weights` (sorted increasing), so equal values can be ordered by weight with
 * counting instead of a comparison sort: one hash lookup per sample and a native sort of the distinct values.
 */
export function weightedPercentileOfRanks(
  values: Float64Array,
  codes: Uint8Array,
  rankOfCode: Uint8Array,
  weights: Float64Array,
  q: number,
): number {
  const n = values.length;
  if (n === 0) return NaN;
  const nw = weights.length;
  const groups = new Map<number, Uint32Array>();
  for (let i = 0; i < n; i++) {
    let g = groups.get(values[i]);
    if (!g) groups.set(values[i], (g = new Uint32Array(nw)));
    g[rankOfCode[codes[i]]]++;
  }
  const keys = Float64Array.from(groups.keys()).sort();
  const seq = new Float64Array(n);
  let at = 0;
  for (const key of keys) {
    const g = groups.get(key)!;
    for (let r = 0; r < nw; r++) for (let c = g[r]; c > 0; c--) seq[at++] = weights[r];
  }
  const total = pairwiseSum(seq);
  let cum = 0;
  at = 0;
  for (const key of keys) {
    const g = groups.get(key)!;
    for (let r = 0; r < nw; r++)
      for (let c = g[r]; c > 0; c--) {
        cum += seq[at++];
        if (cum / total >= q) return key;
      }
  }
  return keys[keys.length - 1];
}

/** Same convention for arbitrary weights, by a comparison sort (for callers outside the surfel pipeline). */
export function weightedPercentile(values: Float64Array, weights: Float64Array, q: number): number {
  const order = Array.from(values.keys()).sort((i, j) => values[i] - values[j] || weights[i] - weights[j]);
  const seq = Float64Array.from(order, (i) => weights[i]);
  const total = pairwiseSum(seq);
  let cum = 0;
  for (let k = 0; k < order.length; k++) if ((cum += seq[k]) / total >= q) return values[order[k]];
  return order.length ? values[order[order.length - 1]] : NaN;
}
