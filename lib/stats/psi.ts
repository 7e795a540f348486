/**
 * Population stability index between a reference sample and a production sample:
 * PSI = sum over bins of (a - e) * ln(a / e), bins cut at the reference's deciles (so each holds about a tenth of
 * the reference). Common reading: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift.
 */
import { quantileSorted, sortedCopy } from './quantile';

export interface PsiOptions {
  /** number of reference-quantile bins (fewer when the reference has ties, e.g. integer counts) */
  bins?: number;
  /** floor on a bin's share, so an empty bin gives a large finite term instead of infinity */
  epsilon?: number;
}

/** Interior cut points at the reference's 1/k ... (k-1)/k quantiles, duplicates removed. */
export function psiEdges(reference: ArrayLike<number>, bins = 10): number[] {
  const s = sortedCopy(reference);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(s, i / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

/** Share of the sample in each bin (-inf, e0], (e0, e1], ..., (e_last, inf). */
export function binShares(sample: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  for (let i = 0; i < sample.length; i++) {
    let b = 0;
    while (b < edges.length && sample[i] > edges[b]) b++;
    counts[b]++;
  }
  return counts.map((c) => c / Math.max(1, sample.length));
}

export function psi(reference: ArrayLike<number>, production: ArrayLike<number>, opts: PsiOptions = {}): number {
  if (reference.length === 0 || production.length === 0) throw new Error('psi needs two non-empty samples');
  const eps = opts.epsilon ?? 1e-4;
  const edges = psiEdges(reference, opts.bins ?? 10);
  const e = binShares(reference, edges);
  const a = binShares(production, edges);
  let total = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(e[i], eps);
    const ai = Math.max(a[i], eps);
    total += (ai - ei) * Math.log(ai / ei);
  }
  return total;
}
