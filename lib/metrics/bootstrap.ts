/**
 * Percentile bootstrap confidence intervals for the evaluation gate, reproducible from a seed.
 * The PRNG is sfc32 seeded through splitmix32: small, fast, and identical on server and client.
 */

export type Rng = () => number;

/** Deterministic uniform [0, 1) generator from a 32-bit seed. */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix(),
    b = splitmix(),
    c = splitmix(),
    d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

export interface BootstrapOptions {
  /** resamples; default 2000 */
  resamples?: number;
  /** two-sided confidence level; default 0.95 */
  confidence?: number;
  /** default 1 */
  seed?: number;
}

export interface ConfidenceInterval {
  /** the statistic on the original sample */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  resamples: number;
  n: number;
}

/** Quantile with linear interpolation between order statistics (numpy's default, Hyndman & Fan type 7). */
export function quantileSorted(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function checkSample(values: readonly number[], what: string): void {
  if (values.length === 0) throw new Error(`bootstrap: ${what} is empty`);
  if (!values.every(Number.isFinite)) throw new Error(`bootstrap: ${what} contains a non-finite value`);
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Percentile-bootstrap CI of the mean: resample with replacement, take the mean, read the tail quantiles. */
export function bootstrapMeanCI(values: readonly number[], opts: BootstrapOptions = {}): ConfidenceInterval {
  checkSample(values, 'sample');
  const resamples = opts.resamples ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new Error(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  if (!(Number.isInteger(resamples) && resamples > 0)) throw new Error(`bootstrap: resamples must be a positive integer`);
  const rng = seededRng(opts.seed ?? 1);
  const n = values.length;
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rng() * n)];
    stats[b] = s / n;
  }
  stats.sort();
  const alpha = (1 - confidence) / 2;
  return {
    estimate: mean(values),
    lower: quantileSorted(stats, alpha),
    upper: quantileSorted(stats, 1 - alpha),
    confidence,
    resamples,
    n,
  };
}

/**
 * CI of the mean paired difference mean(a_i - b_i) (e.g. candidate minus production Dice on the same cases):
 * cases are resampled as pairs, so the between-case variation common to both models cancels.
 */
export function bootstrapPairedDifferenceCI(a: readonly number[], b: readonly number[], opts: BootstrapOptions = {}): ConfidenceInterval {
  if (a.length !== b.length) throw new Error(`bootstrap: paired samples differ in length (${a.length} vs ${b.length})`);
  checkSample(a, 'first sample');
  checkSample(b, 'second sample');
  return bootstrapMeanCI(
    a.map((v, i) => v - b[i]),
    opts,
  );
}
