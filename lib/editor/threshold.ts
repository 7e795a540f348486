/**
 * Intensity helpers for threshold painting: suggested ranges from the data, so that "paint enhancing tissue on T1C"
 * starts from a sensible window instead of a blank form.
 */

/** Robust intensity percentiles over non-zero voxels (skull-stripped volumes are zero outside the brain). */
export function percentiles(values: ArrayLike<number>, ps: number[], bins = 4096): number[] {
  let min = Infinity,
    max = -Infinity,
    n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0 || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    n++;
  }
  if (n === 0) return ps.map(() => 0);
  if (min === max) return ps.map(() => min);
  const hist = new Float64Array(bins);
  const scale = (bins - 1) / (max - min);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0 || !Number.isFinite(v)) continue;
    hist[Math.round((v - min) * scale)]++;
  }
  return ps.map((p) => {
    const want = (p / 100) * n;
    let acc = 0;
    for (let b = 0; b < bins; b++) {
      acc += hist[b];
      if (acc >= want) return min + b / scale;
    }
    return max;
  });
}

/** Voxels in [lo, hi] among `values` (preview count for the range form). */
export function countInRange(values: ArrayLike<number>, lo: number, hi: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] >= lo && values[i] <= hi) n++;
  return n;
}
