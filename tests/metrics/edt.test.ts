import { describe, expect, it } from 'vitest';
import { bruteSquaredEdt, idx, randomMask } from '@/tests/metrics/brute';
import { edt, squaredEdt } from '@/lib/metrics/edt';
import type { Dims, Spacing } from '@/lib/metrics/types';

const CASES: [Dims, Spacing][] = [
  [
    [9, 8, 7],
    [1, 1, 1],
  ],
  [
    [12, 5, 9],
    [0.5, 1.25, 3],
  ],
  [
    [1, 11, 6],
    [2, 0.7, 1.1],
  ],
  [
    [13, 1, 4],
    [1, 1, 2.5],
  ],
  [
    [6, 7, 1],
    [0.9375, 0.9375, 1],
  ],
  [
    [16, 14, 12],
    [1.2, 0.8, 2.2],
  ],
];

describe('squaredEdt', () => {
  it('equals the all-pairs minimum on random volumes, anisotropic spacing included', () => {
    CASES.forEach(([dims, spacing], c) => {
      for (const density of [0.005, 0.03, 0.2]) {
        const f = randomMask(dims, 500 + c * 7 + density * 1000, density, 0);
        const fast = squaredEdt(f, dims, spacing);
        const slow = bruteSquaredEdt(f, dims, spacing);
        for (let i = 0; i < f.length; i++) {
          if (slow[i] === Infinity) expect(fast[i]).toBe(Infinity);
          else expect(Math.abs(fast[i] - slow[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, slow[i]));
        }
      }
    });
  });

  it('is Infinity everywhere without features, 0 on the features', () => {
    const dims: Dims = [4, 5, 6];
    expect(squaredEdt(new Uint8Array(120), dims, [1, 2, 3]).every((v) => v === Infinity)).toBe(true);
    const f = new Uint8Array(120);
    f[idx(dims, 1, 2, 3)] = 1;
    const d = edt(f, dims, [1, 2, 3]);
    expect(d[idx(dims, 1, 2, 3)]).toBe(0);
    expect(d[idx(dims, 3, 2, 3)]).toBe(2); // two voxels along x at 1 mm
    expect(d[idx(dims, 1, 4, 3)]).toBe(4); // two along y at 2 mm
    expect(d[idx(dims, 1, 2, 5)]).toBe(6); // two along z at 3 mm
    expect(d[idx(dims, 2, 3, 4)]).toBeCloseTo(Math.sqrt(1 + 4 + 9), 12);
  });
});
