import { describe, expect, it } from 'vitest';
import { ecdf, quantileSorted, quantiles, referenceSample, summaryQuantile, summaryRank, hasValues } from '@/lib/stats/quantile';
import { sampleA } from '@/tests/drift/samples';

describe('quantiles', () => {
  it('match numpy linear interpolation (np.quantile, scipy_reference.py)', () => {
    const q = quantiles(sampleA(60), [0.01, 0.25, 0.5, 0.99]);
    [0.0177, 2.6475, 5.015, 9.6025].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 10));
  });

  it('handles the ends and an empty sample', () => {
    expect(quantileSorted([3], 0.3)).toBe(3);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('quantile summaries', () => {
  const q = { levels: [0, 0.5, 1], values: [10, 20, 40] };

  it('interpolates a quantile between levels and clamps outside', () => {
    expect(summaryQuantile(q, 0.25)).toBe(15);
    expect(summaryQuantile(q, 0.75)).toBe(30);
    expect(summaryQuantile(q, 1.5)).toBe(40);
  });

  it('ranks a value as the inverse of summaryQuantile', () => {
    for (const p of [0, 0.1, 0.5, 0.8, 1]) expect(summaryRank(q, summaryQuantile(q, p))).toBeCloseTo(p, 12);
    expect(summaryRank(q, 5)).toBe(0);
    expect(summaryRank(q, 99)).toBe(1);
  });

  it('puts a value equal to a constant stretch at the middle of that stretch', () => {
    const flat = { levels: [0, 0.25, 0.5, 0.75, 1], values: [1, 1, 1, 1, 2] };
    expect(summaryRank(flat, 1)).toBe(0.375);
  });

  it('skips null values and reports an all-null summary as empty', () => {
    expect(hasValues({ levels: [0, 1], values: [null, null] })).toBe(false);
    expect(summaryQuantile({ levels: [0, 0.5, 1], values: [0, null, 10] }, 0.5)).toBe(5);
  });

  it('rebuilds a pseudo-sample whose quantiles follow the summary', () => {
    const s = referenceSample(q, 100);
    expect(s).toHaveLength(100);
    expect(quantiles(s, [0.5])[0]).toBeCloseTo(20, 0);
    expect(Math.min(...s)).toBeGreaterThan(10);
    expect(Math.max(...s)).toBeLessThan(40);
  });
});

describe('ecdf', () => {
  it('collapses ties and ends at 1', () => {
    expect(ecdf([3, 1, 3, 2])).toEqual([
      { x: 1, p: 0.25 },
      { x: 2, p: 0.5 },
      { x: 3, p: 1 },
    ]);
  });
});
