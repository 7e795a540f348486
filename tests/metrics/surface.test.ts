import { describe, expect, it } from 'vitest';
import { bruteCodes, bruteHd95, idx, randomMask } from '@/tests/metrics/brute';
import { hd95, surfaceDistances } from '@/lib/metrics/hd95';
import { pairwiseSum, weightedPercentile } from '@/lib/metrics/percentile';
import { neighbourCodes, robustHausdorff, surfelAreas } from '@/lib/metrics/surface';
import type { Dims, Spacing } from '@/lib/metrics/types';

describe('neighbourCodes', () => {
  it('equals the eight-lookup definition on random masks', () => {
    for (const dims of [
      [5, 4, 3],
      [1, 6, 4],
      [7, 1, 1],
      [8, 9, 10],
    ] as Dims[]) {
      const m = randomMask(dims, dims[0] * 31 + dims[2], 0.4, 1);
      expect(Array.from(neighbourCodes(m, dims))).toEqual(Array.from(bruteCodes(m, dims)));
    }
  });
});

describe('surfelAreas', () => {
  it('gives no area to the empty and full neighbourhoods and some to every other code', () => {
    const a = surfelAreas([1, 1, 1]);
    expect(a[0]).toBe(0);
    expect(a[255]).toBe(0);
    for (let c = 1; c < 255; c++) expect(a[c]).toBeGreaterThan(0);
    expect(a[1]).toBeCloseTo(Math.sqrt(3) / 8, 15); // one corner: triangle through three edge midpoints
    expect(a[15]).toBe(1); // half the cube: one unit square
  });

  it('adds up to the area of a sphere whatever the voxel spacing', () => {
    // Marching cubes on a binary voxelisation overestimates a sphere by a roughly constant ~8-10% (staircase);
    // what anisotropy must not do is change that ratio (a spacing applied to the wrong axis would move it by 30%+).
    const ratio = (spacing: Spacing, r: number, areaSpacing = spacing) => {
      const dims = spacing.map((s) => Math.ceil((2 * r) / s) + 4) as unknown as Dims;
      const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let z = 0; z < dims[2]; z++)
        for (let y = 0; y < dims[1]; y++)
          for (let x = 0; x < dims[0]; x++) {
            const d = Math.hypot((x - dims[0] / 2) * spacing[0], (y - dims[1] / 2) * spacing[1], (z - dims[2] / 2) * spacing[2]);
            if (d <= r) m[idx(dims, x, y, z)] = 1;
          }
      const areas = surfelAreas(areaSpacing);
      let total = 0;
      for (const c of neighbourCodes(m, dims)) total += areas[c];
      return total / (4 * Math.PI * r * r);
    };
    const iso = ratio([1, 1, 1], 12);
    expect(iso).toBeGreaterThan(1.0);
    expect(iso).toBeLessThan(1.15);
    for (const spacing of [
      [1, 1.5, 2],
      [2, 1, 0.8],
      [0.5, 0.5, 0.5],
    ] as Spacing[])
      expect(Math.abs(ratio(spacing, 12) / iso - 1)).toBeLessThan(0.08);
    // The control: the same voxels with the spacing applied to the wrong axes.
    expect(ratio([2, 1, 0.8], 12, [0.8, 1, 2]) / iso - 1).toBeGreaterThan(0.2);
  });
});

describe('weighted percentile (DeepMind convention)', () => {
  it('returns a sample, never an interpolation, at the first cumulative fraction reaching q', () => {
    const v = Float64Array.from([4, 1, 3, 2]);
    const w = Float64Array.from([1, 1, 1, 1]);
    expect(weightedPercentile(v, w, 0.5)).toBe(2);
    expect(weightedPercentile(v, w, 0.51)).toBe(3);
    expect(weightedPercentile(v, w, 0.95)).toBe(4);
    expect(weightedPercentile(v, Float64Array.from([1, 97, 1, 1]), 0.95)).toBe(1);
  });

  it('sums like numpy (pairwise), not sequentially', () => {
    // Reference values printed by numpy 2.4: np.sum(np.full(n, 0.1)).
    expect(pairwiseSum(new Float64Array(10).fill(0.1))).toBe(1.0);
    expect(pairwiseSum(new Float64Array(100).fill(0.1))).toBe(9.999999999999998);
    expect(pairwiseSum(new Float64Array(1000).fill(0.1))).toBe(100.00000000000001);
    expect(pairwiseSum(new Float64Array(12345).fill(0.1))).toBe(1234.5);
  });
});

describe('hd95', () => {
  const cases: [Dims, Spacing][] = [
    [
      [6, 5, 4],
      [1, 1, 1],
    ],
    [
      [7, 6, 5],
      [0.5, 1.5, 2.5],
    ],
    [
      [9, 4, 6],
      [1.2, 0.9, 3],
    ],
    [
      [1, 7, 7],
      [1, 1, 1],
    ],
  ];

  it('equals the brute-force definition on random mask pairs', () => {
    let finite = 0;
    cases.forEach(([dims, spacing], c) => {
      for (let t = 0; t < 6; t++) {
        const a = randomMask(dims, 900 + 10 * c + t, 0.15, 1);
        const b = randomMask(dims, 1900 + 10 * c + t, 0.15, 1);
        const fast = hd95(a, b, dims, spacing);
        const slow = bruteHd95(a, b, dims, spacing);
        expect(Math.abs(fast - slow)).toBeLessThanOrEqual(1e-12);
        for (const p of [50, 100]) expect(hd95(a, b, dims, spacing, p)).toBe(bruteHd95(a, b, dims, spacing, p));
        if (Number.isFinite(fast)) finite++;
      }
    });
    expect(finite).toBeGreaterThan(15);
  });

  it('scales with anisotropic spacing: two voxels ten apart along a 2 mm axis are 20 mm apart', () => {
    const dims: Dims = [12, 3, 3];
    const a = new Uint8Array(108);
    const b = new Uint8Array(108);
    a[idx(dims, 1, 1, 1)] = 1;
    b[idx(dims, 11, 1, 1)] = 1;
    // Corners of a lie 9 or 10 voxels from the nearest corner of b, four each with equal area: the 95th is 10.
    expect(hd95(a, b, dims, [2, 1, 1])).toBe(20);
    expect(hd95(a, b, dims, [1, 1, 1])).toBe(10);
    expect(hd95(a, a, dims, [2, 1, 1])).toBe(0);
  });

  it('is Infinity when a side is empty (the caller maps it to 374)', () => {
    const dims: Dims = [3, 3, 3];
    const a = new Uint8Array(27);
    a[13] = 1;
    expect(hd95(a, new Uint8Array(27), dims, [1, 1, 1])).toBe(Infinity);
    expect(robustHausdorff(surfaceDistances(new Uint8Array(27), new Uint8Array(27), dims, [1, 1, 1]))).toBe(Infinity);
  });
});
