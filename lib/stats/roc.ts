/**
 * Detector quality: AUROC (the Mann-Whitney probability that a positive scores above a negative, ties counting
 * half, equal to sklearn's roc_auc_score) and the true-positive rate at a bounded false-positive rate.
 */
import { sortedCopy } from './quantile';

export function auroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  const p = positives.length;
  const n = negatives.length;
  if (p === 0 || n === 0) throw new Error('auroc needs positives and negatives');
  const all = [...Array.from(positives, (v) => ({ v, pos: true })), ...Array.from(negatives, (v) => ({ v, pos: false }))];
  all.sort((a, b) => a.v - b.v);
  let rankSumPos = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const avgRank = (i + 1 + j) / 2; // 1-based ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (all[k].pos) rankSumPos += avgRank;
    i = j;
  }
  return (rankSumPos - (p * (p + 1)) / 2) / (p * n);
}

/**
 * Highest TPR over thresholds t (flag when score >= t) whose FPR is at most maxFpr. Thresholds are the observed
 * scores plus +infinity, so with few negatives a 5% budget may allow no false positive at all.
 */
export function tprAtFpr(
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
  maxFpr: number,
): { tpr: number; fpr: number; threshold: number } {
  const pos = sortedCopy(positives);
  const neg = sortedCopy(negatives);
  const atOrAbove = (s: Float64Array, t: number) => {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] >= t) hi = mid;
      else lo = mid + 1;
    }
    return s.length - lo;
  };
  let best = { tpr: 0, fpr: 0, threshold: Infinity };
  for (const t of sortedCopy([...pos, ...neg])) {
    const fpr = atOrAbove(neg, t) / Math.max(1, neg.length);
    const tpr = atOrAbove(pos, t) / Math.max(1, pos.length);
    if (fpr <= maxFpr && (tpr > best.tpr || (tpr === best.tpr && fpr < best.fpr))) best = { tpr, fpr, threshold: t };
  }
  return best;
}
