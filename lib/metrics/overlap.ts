/** Voxel confusion counts of two masks on the same grid (nonzero = inside). */
export function confusion(pred: ArrayLike<number>, ref: ArrayLike<number>): { tp: number; fp: number; fn: number; tn: number } {
  if (pred.length !== ref.length) throw new Error(`masks differ in size (${pred.length} vs ${ref.length})`);
  let tp = 0,
    fp = 0,
    fn = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] !== 0;
    const r = ref[i] !== 0;
    if (p && r) tp++;
    else if (p) fp++;
    else if (r) fn++;
  }
  return { tp, fp, fn, tn: pred.length - tp - fp - fn };
}

/** Dice 2|P∩R| / (|P| + |R|); 1 when both masks are empty (the BraTS convention). */
export function dice(pred: ArrayLike<number>, ref: ArrayLike<number>): number {
  const { tp, fp, fn } = confusion(pred, ref);
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 1 : (2 * tp) / denom;
}

/**
 * Sensitivity TP/(TP+FN) and specificity TN/(TN+FP) with the official code's epsilon in the denominators
 * (so an empty reference gives sensitivity 0, not NaN); sensitivity is 1 when both masks are empty.
 */
export function sensitivitySpecificity(pred: ArrayLike<number>, ref: ArrayLike<number>): { sensitivity: number; specificity: number } {
  const { tp, fp, fn, tn } = confusion(pred, ref);
  const bothEmpty = tp + fp + fn === 0;
  return {
    sensitivity: bothEmpty ? 1 : tp / (tp + fn + Number.EPSILON),
    specificity: tn / (tn + fp + Number.EPSILON),
  };
}
