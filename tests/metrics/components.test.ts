import { describe, expect, it } from 'vitest';
import { bruteComponents26, bruteDilate18, idx, randomMask } from '@/tests/metrics/brute';
import { connectedComponents26 } from '@/lib/metrics/components';
import { dilate18 } from '@/lib/metrics/dilation';
import type { Dims } from '@/lib/metrics/types';

const GRIDS: Dims[] = [
  [7, 6, 5],
  [12, 9, 8],
  [1, 10, 10],
  [10, 1, 7],
  [9, 8, 1],
  [16, 16, 16],
  [30, 4, 3],
];

describe('connectedComponents26', () => {
  it('matches a breadth-first flood fill on random volumes, numbering included', () => {
    let checked = 0;
    GRIDS.forEach((dims, g) => {
      for (const density of [0.02, 0.1, 0.3, 0.6]) {
        const mask = randomMask(dims, 1000 * g + density * 100, density);
        const fast = connectedComponents26(mask, dims);
        const slow = bruteComponents26(mask, dims);
        expect(fast.count).toBe(slow.count);
        expect(Array.from(fast.labels)).toEqual(Array.from(slow.labels));
        for (let c = 1; c <= fast.count; c++) expect(fast.sizes[c]).toBe(slow.labels.filter((l) => l === c).length);
        checked += fast.count;
      }
    });
    expect(checked).toBeGreaterThan(200);
  });

  it('joins voxels that touch only at a corner (26-connectivity), not at distance two', () => {
    const dims: Dims = [4, 4, 4];
    const m = new Uint8Array(64);
    m[idx(dims, 0, 0, 0)] = 1;
    m[idx(dims, 1, 1, 1)] = 1;
    m[idx(dims, 3, 3, 3)] = 1;
    expect(connectedComponents26(m, dims).count).toBe(2);
  });

  it('returns no component for an empty mask', () => {
    expect(connectedComponents26(new Uint8Array(27), [3, 3, 3]).count).toBe(0);
  });
});

describe('dilate18', () => {
  it('matches iterated 18-neighbourhood dilation, clipped at the grid border', () => {
    GRIDS.forEach((dims, g) => {
      for (const iterations of [0, 1, 2, 3]) {
        const mask = randomMask(dims, 77 + g * 13 + iterations, 0.01, 1);
        expect(Array.from(dilate18(mask, dims, iterations))).toEqual(Array.from(bruteDilate18(mask, dims, iterations)));
      }
    });
  });

  it('reaches exactly the offsets with max |d| <= k and sum |d| <= 2k', () => {
    const dims: Dims = [15, 15, 15];
    const m = new Uint8Array(15 ** 3);
    m[idx(dims, 7, 7, 7)] = 1;
    const d = dilate18(m, dims, 3);
    for (let z = 0; z < 15; z++)
      for (let y = 0; y < 15; y++)
        for (let x = 0; x < 15; x++) {
          const o = [x - 7, y - 7, z - 7].map(Math.abs);
          const expected = Math.max(...o) <= 3 && o[0] + o[1] + o[2] <= 6 ? 1 : 0;
          expect(d[idx(dims, x, y, z)]).toBe(expected);
        }
  });
});
