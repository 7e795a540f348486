/**
 * Two-sample Kolmogorov-Smirnov test (two-sided), matching scipy.stats.ks_2samp(method='auto'): the exact p-value
 * (lattice-path count) when both samples have at most 10,000 values, else the asymptotic Kolmogorov distribution.
 */
import { sortedCopy } from './quantile';

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

const MAX_EXACT_N = 10_000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** sup |F1 - F2| over the pooled sample (ECDFs right-continuous, so ties are handled as scipy does). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/**
 * P(D >= h / lcm) under H0: 1 - (share of lattice paths from (0,0) to (m,n) that stay strictly inside
 * |i*ng - j*mg| < h). u(i,j) = inside paths / C(i+j, j) obeys u = i/(i+j) u(i-1,j) + j/(i+j) u(i,j-1), which stays
 * in [0, 1] (no overflow, unlike counting paths).
 */
function exactPValue(m: number, n: number, h: number): number {
  const g = gcd(m, n);
  const mg = m / g;
  const ng = n / g;
  const inside = (i: number, j: number) => Math.abs(i * ng - j * mg) < h;
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  prev[0] = 1;
  for (let j = 1; j <= n; j++) prev[j] = inside(0, j) ? prev[j - 1] : 0;
  for (let i = 1; i <= m; i++) {
    cur[0] = inside(i, 0) ? prev[0] : 0;
    for (let j = 1; j <= n; j++) cur[j] = inside(i, j) ? (i * prev[j] + j * cur[j - 1]) / (i + j) : 0;
    [prev, cur] = [cur, prev];
  }
  return Math.min(1, Math.max(0, 1 - prev[n]));
}

/** Kolmogorov limiting distribution with Stephens' small-sample correction (Numerical Recipes' probks). */
function asymptoticPValue(d: number, en: number): number {
  const lambda = (Math.sqrt(en) + 0.12 + 0.11 / Math.sqrt(en)) * d;
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new Error('ks2samp needs two non-empty samples');
  const d = ksStatistic(a, b);
  if (Math.max(m, n) <= MAX_EXACT_N) {
    const lcm = (m / gcd(m, n)) * n;
    const h = Math.round(d * lcm);
    return { statistic: h / lcm, pValue: h === 0 ? 1 : exactPValue(m, n, h), method: 'exact' };
  }
  return { statistic: d, pValue: asymptoticPValue(d, (m * n) / (m + n)), method: 'asymptotic' };
}
