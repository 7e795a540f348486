import { describe, expect, it } from 'vitest';
import { ks2samp, ksStatistic } from '@/lib/stats/ks';
import { counts, sampleA, sampleB } from '@/tests/drift/samples';

// Reference values: scipy 1.17.1 stats.ks_2samp (tests/drift/scipy_reference.py).
describe('ks2samp', () => {
  it('matches scipy exactly for unequal sample sizes', () => {
    const r = ks2samp(sampleA(60), sampleB(45, 0.8));
    expect(r.method).toBe('exact');
    expect(r.statistic).toBeCloseTo(0.18333333333333332, 12);
    expect(r.pValue).toBeCloseTo(0.3195847560749422, 10);
  });

  it('matches scipy for equal sample sizes', () => {
    const r = ks2samp(sampleA(30), sampleB(30, 2));
    expect(r.statistic).toBeCloseTo(0.23333333333333334, 12);
    expect(r.pValue).toBeCloseTo(0.39294501397971776, 10);
  });

  it('handles ties like scipy (integer counts)', () => {
    const r = ks2samp(counts(50, 7), counts(40, 5));
    expect(r.statistic).toBeCloseTo(0.28, 12);
    expect(r.pValue).toBeCloseTo(0.0505304311117051, 10);
  });

  it('uses the asymptotic distribution above 10,000 values, close to scipy', () => {
    const r = ks2samp(
      sampleA(12000),
      sampleB(11000, 0.2).map((v) => v * 0.9),
    );
    expect(r.method).toBe('asymptotic');
    expect(r.statistic).toBeCloseTo(0.019, 12);
    expect(Math.abs(r.pValue - 0.03132764045416392) / 0.0313).toBeLessThan(0.05);
  });

  it('gives p = 1 for identical samples and a tiny p for disjoint ones', () => {
    expect(ks2samp([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
    const far = ks2samp(
      sampleA(40),
      sampleA(40).map((v) => v + 100),
    );
    expect(far.statistic).toBe(1);
    expect(far.pValue).toBeLessThan(1e-20);
  });

  it('is symmetric in its arguments', () => {
    expect(ksStatistic(sampleA(33), sampleB(21, 1))).toBe(ksStatistic(sampleB(21, 1), sampleA(33)));
    expect(ks2samp(sampleA(33), sampleB(21, 1)).pValue).toBeCloseTo(ks2samp(sampleB(21, 1), sampleA(33)).pValue, 12);
  });

  it('refuses empty samples', () => {
    expect(() => ks2samp([], [1])).toThrow(/non-empty/);
  });
});
