/**
 * First Wasserstein (earth mover's) distance between two samples: the area between their ECDFs, as
 * scipy.stats.wasserstein_distance(u, v) computes it. In the units of the quantity (mL, intensity, ...).
 */
import { sortedCopy } from './quantile';

export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) throw new Error('wasserstein1 needs two non-empty samples');
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  const all = sortedCopy([...x, ...y]);
  let i = 0;
  let j = 0;
  let total = 0;
  for (let k = 0; k + 1 < all.length; k++) {
    while (i < x.length && x[i] <= all[k]) i++;
    while (j < y.length && y[j] <= all[k]) j++;
    total += Math.abs(i / x.length - j / y.length) * (all[k + 1] - all[k]);
  }
  return total;
}
