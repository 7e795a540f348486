import 'server-only';
/**
 * The feature reference of a calibration, as the trainer computes it (training/.../reference_stats.py): the mean,
 * the Ledoit-Wolf shrunk covariance (towards a scaled identity, with the same tiny ridge) and its inverse. The
 * held-out distances are leave-one-out (each case against the reference fitted without it), so the drift check's
 * threshold comes from cases the reference did not see, like the trainer's validation distances.
 */
import { mahalanobis } from '@/lib/server/drift/checks/image';

export interface LedoitWolf {
  mean: number[];
  covariance: number[][];
  shrinkage: number;
}

export function ledoitWolf(x: number[][]): LedoitWolf {
  const n = x.length;
  const p = x[0].length;
  const mean = Array.from({ length: p }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const xc = x.map((r) => r.map((v, j) => v - mean[j]));
  const s = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => xc.reduce((a, r) => a + r[i] * r[j], 0) / n));
  const m = s.reduce((a, row, i) => a + row[i], 0) / p;
  let d2 = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) d2 += (s[i][j] - (i === j ? m : 0)) ** 2;
  let b2 = 0;
  for (const r of xc) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) b2 += (r[i] * r[j] - s[i][j]) ** 2;
  b2 /= n * n;
  const shrinkage = d2 === 0 ? 1 : Math.min(b2, d2) / d2;
  const ridge = 1e-6 * (m > 0 ? m : 1); // keeps the inverse finite for degenerate (one-case, constant) inputs
  const covariance = s.map((row, i) => row.map((v, j) => (1 - shrinkage) * v + (i === j ? shrinkage * m + ridge : 0)));
  return { mean, covariance, shrinkage };
}

/** Inverse of a symmetric positive-definite matrix by Cholesky (throws, naming the cause, when it is not). */
export function invertSpd(a: number[][]): number[][] {
  const p = a.length;
  const l = Array.from({ length: p }, () => new Float64Array(p));
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) throw new Error(`covariance is not positive definite (pivot ${i} is ${sum})`);
        l[i][i] = Math.sqrt(sum);
      } else l[i][j] = sum / l[j][j];
    }
  // inverse = L^-T L^-1, column by column: solve L y = e_c, then L^T x = y
  const inv = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const y = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    for (let i = 0; i < p; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
      y[i] = sum / l[i][i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < p; k++) sum -= l[k][i] * inv[k][c];
      inv[i][c] = sum / l[i][i];
    }
  }
  return inv;
}

export interface FeatureFit extends LedoitWolf {
  precision: number[][];
  /** in-sample distances of the reference cases */
  inSample: number[];
  /** each case's distance from the reference fitted without it (empty below 3 cases) */
  leaveOneOut: number[];
}

export function fitFeatures(x: number[][]): FeatureFit {
  if (x.length < 2) throw new Error(`feature statistics need at least 2 cases, got ${x.length}`);
  const dims = new Set(x.map((r) => r.length));
  if (dims.size !== 1) throw new Error(`feature vectors differ in length (${[...dims].join(', ')})`);
  const lw = ledoitWolf(x);
  const precision = invertSpd(lw.covariance);
  const inSample = x.map((r) => mahalanobis(r, lw.mean, precision));
  const leaveOneOut =
    x.length >= 3
      ? x.map((r, i) => {
          const rest = ledoitWolf(x.filter((_, k) => k !== i));
          return mahalanobis(r, rest.mean, invertSpd(rest.covariance));
        })
      : [];
  return { ...lw, precision, inSample, leaveOneOut };
}
