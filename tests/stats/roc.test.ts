import { describe, expect, it } from 'vitest';
import { auroc, tprAtFpr } from '@/lib/stats/roc';
import { counts, sampleA, sampleB } from '@/tests/drift/samples';

describe('auroc', () => {
  it('matches the rank formula with mid-ranks (scipy rankdata, tests/drift/scipy_reference.py)', () => {
    expect(auroc(sampleB(45, 0.8), sampleA(60))).toBeCloseTo(0.6066666666666667, 12);
    expect(auroc(counts(40, 5), counts(50, 7))).toBeCloseTo(0.368, 12);
  });

  it('is 1 for perfect separation, 0 for reversed and 0.5 for all ties', () => {
    expect(auroc([5, 6], [1, 2, 3])).toBe(1);
    expect(auroc([1, 2], [5, 6])).toBe(0);
    expect(auroc([1, 1], [1, 1, 1])).toBe(0.5);
  });
});

describe('tprAtFpr', () => {
  it('finds the best threshold within the false-positive budget', () => {
    const neg = Array.from({ length: 20 }, (_, i) => i); // 0..19
    const pos = [5, 18.5, 25, 30];
    // FPR <= 5% allows one negative (19) at or above the threshold: t = 18.5 catches 18.5, 25 and 30.
    expect(tprAtFpr(pos, neg, 0.05)).toEqual({ tpr: 0.75, fpr: 0.05, threshold: 18.5 });
    // 10% gains no positive, so the lower false-positive rate is kept; catching 5 costs 75%.
    expect(tprAtFpr(pos, neg, 0.1)).toEqual({ tpr: 0.75, fpr: 0.05, threshold: 18.5 });
    expect(tprAtFpr(pos, neg, 0.75)).toEqual({ tpr: 1, fpr: 0.75, threshold: 5 });
  });

  it('allows no false positive when the budget is below one negative', () => {
    expect(tprAtFpr([3, 10], [1, 2, 4], 0.05)).toEqual({ tpr: 0.5, fpr: 0, threshold: 10 });
  });
});
