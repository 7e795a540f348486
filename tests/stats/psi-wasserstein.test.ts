import { describe, expect, it } from 'vitest';
import { binShares, psi, psiEdges } from '@/lib/stats/psi';
import { wasserstein1 } from '@/lib/stats/wasserstein';
import { counts, sampleA, sampleB } from '@/tests/drift/samples';

// Reference values: scipy 1.17.1 stats.wasserstein_distance and the numpy PSI in tests/drift/scipy_reference.py.
describe('wasserstein1', () => {
  it('matches scipy', () => {
    expect(wasserstein1(sampleA(60), sampleB(45, 0.8))).toBeCloseTo(1.20141975308642, 10);
    expect(wasserstein1(sampleA(30), sampleB(30, 2))).toBeCloseTo(1.2543333333333335, 10);
    expect(wasserstein1(counts(50, 7), counts(40, 5))).toBeCloseTo(0.94, 10);
  });

  it('equals the shift between a sample and its translate, and 0 against itself', () => {
    expect(
      wasserstein1(
        sampleA(50),
        sampleA(50).map((v) => v + 3),
      ),
    ).toBeCloseTo(3, 10);
    expect(wasserstein1(sampleA(50), sampleA(50))).toBe(0);
  });
});

describe('psi', () => {
  it('matches the numpy reference implementation', () => {
    expect(psi(sampleA(60), sampleB(45, 0.8))).toBeCloseTo(0.23119962722418572, 10);
    expect(psi(sampleA(30), sampleB(30, 2))).toBeCloseTo(1.1182839294226923, 10);
    expect(psi(counts(50, 7), counts(40, 5))).toBeCloseTo(2.121462587463682, 10);
  });

  it('is about 0 for the same distribution and grows with the shift', () => {
    expect(psi(sampleA(1000), sampleA(1000))).toBe(0);
    const small = psi(
      sampleA(500),
      sampleA(500).map((v) => v + 0.5),
    );
    const big = psi(
      sampleA(500),
      sampleA(500).map((v) => v + 3),
    );
    expect(small).toBeGreaterThan(0);
    expect(big).toBeGreaterThan(small);
    expect(big).toBeGreaterThan(0.25);
  });

  it('cuts bins at the reference deciles, merging ties', () => {
    expect(psiEdges(sampleA(1001))).toHaveLength(9);
    expect(psiEdges([1, 1, 1, 1, 2]).map((e) => +e.toFixed(9))).toEqual([1, 1.2, 1.6]);
    expect(binShares([0, 1, 2, 3], [1, 2])).toEqual([0.5, 0.25, 0.25]);
  });
});
