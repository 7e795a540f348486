import { describe, expect, it } from 'vitest';
import { floodFill } from '@/lib/editor/fill';
import { ChangeRecorder } from '@/lib/editor/history';
import { interpolateSlices, signedDistance } from '@/lib/editor/interpolate';
import { removeIslands } from '@/lib/editor/islands';
import type { Dims, MaskGrid } from '@/lib/editor/types';

const grid: MaskGrid = { dims: [16, 16, 16], spacing: [1, 1, 1] };
const at = (x: number, y: number, z: number, d: Dims = grid.dims) => x + y * d[0] + z * d[0] * d[1];
const count = (m: Uint8Array, v: number) => m.reduce((a, x) => a + (x === v ? 1 : 0), 0);

function ring(mask: Uint8Array, z: number, label: number) {
  // outline of the square [4..10] x [4..10] on slice z: 5x5 interior of background
  for (let i = 4; i <= 10; i++) {
    mask[at(i, 4, z)] = mask[at(i, 10, z)] = mask[at(4, i, z)] = mask[at(10, i, z)] = label;
  }
}

describe('floodFill', () => {
  it('fills the inside of an outline on one slice (2D) without leaking to other slices', () => {
    const mask = new Uint8Array(16 ** 3);
    ring(mask, 8, 2);
    const n = floodFill(new ChangeRecorder(mask), mask, grid.dims, [7, 7, 8], { value: 2, rule: { mode: 'any' } }, { scope: 2 });
    expect(n).toBe(25);
    expect(count(mask, 2)).toBe(24 + 25);
  });

  it('refuses a 3D fill that would exceed the cap, changing nothing', () => {
    const mask = new Uint8Array(16 ** 3);
    const n = floodFill(
      new ChangeRecorder(mask),
      mask,
      grid.dims,
      [0, 0, 0],
      { value: 1, rule: { mode: 'any' } },
      { scope: 'volume', maxVoxels: 100 },
    );
    expect(n).toBe(-1);
    expect(count(mask, 1)).toBe(0);
  });

  it('grows only through voxels in the intensity range (threshold fill)', () => {
    const mask = new Uint8Array(16 ** 3);
    const values = new Float32Array(mask.length);
    for (let x = 2; x < 6; x++) for (let y = 2; y < 6; y++) for (let z = 2; z < 6; z++) values[at(x, y, z)] = 500;
    values[at(12, 12, 12)] = 500; // bright but disconnected
    const n = floodFill(
      new ChangeRecorder(mask),
      mask,
      grid.dims,
      [3, 3, 3],
      { value: 3, rule: { mode: 'any' }, range: { values, lo: 400, hi: 600 } },
      { scope: 'volume' },
    );
    expect(n).toBe(64);
    expect(mask[at(12, 12, 12)]).toBe(0);
  });

  it('does not replace a protected label', () => {
    const mask = new Uint8Array(16 ** 3);
    mask.fill(1, 0, 16 * 16);
    const n = floodFill(new ChangeRecorder(mask), mask, grid.dims, [0, 0, 0], { value: 3, rule: { mode: 'background' } }, { scope: 2 });
    expect(n).toBe(0);
  });
});

describe('removeIslands', () => {
  it('removes tumour components under the volume and keeps the larger ones', () => {
    const mask = new Uint8Array(16 ** 3);
    for (let x = 2; x < 7; x++) for (let y = 2; y < 7; y++) for (let z = 2; z < 7; z++) mask[at(x, y, z)] = x < 4 ? 1 : 2; // 125 voxels
    mask[at(12, 12, 12)] = 3;
    mask[at(13, 13, 13)] = 3; // diagonal neighbour: one 2-voxel island under 26-connectivity
    const res = removeIslands(new ChangeRecorder(mask), mask, grid, { minMl: 0.01, scope: 'all' });
    expect(res).toEqual({ removedComponents: 1, keptComponents: 1, removedVoxels: 2 });
    expect(count(mask, 1) + count(mask, 2)).toBe(125);
  });

  it('with a label scope, only that label is considered', () => {
    const mask = new Uint8Array(16 ** 3);
    mask[at(1, 1, 1)] = 1;
    mask[at(9, 9, 9)] = 2;
    const res = removeIslands(new ChangeRecorder(mask), mask, grid, { minMl: 1, scope: 2 });
    expect(res.removedVoxels).toBe(1);
    expect(mask[at(1, 1, 1)]).toBe(1);
  });
});

describe('interpolateSlices', () => {
  it('fills empty slices between two drawn discs with a blended shape', () => {
    const mask = new Uint8Array(16 ** 3);
    const disc = (z: number, r: number) => {
      for (let x = 0; x < 16; x++) for (let y = 0; y < 16; y++) if ((x - 8) ** 2 + (y - 8) ** 2 <= r * r) mask[at(x, y, z)] = 2;
    };
    disc(2, 2);
    disc(10, 6);
    const before = [2, 10].map((z) => countSlice(mask, z));
    const res = interpolateSlices(new ChangeRecorder(mask), mask, grid, { axis: 2, label: 2, rule: { mode: 'background' } });
    expect(res.filledSlices).toBe(7);
    const areas = Array.from({ length: 9 }, (_, k) => countSlice(mask, 2 + k));
    expect(areas[0]).toBe(before[0]);
    expect(areas[8]).toBe(before[1]);
    for (let k = 1; k < 9; k++) expect(areas[k]).toBeGreaterThanOrEqual(areas[k - 1]); // grows monotonically
    expect(mask[at(8, 8, 6)]).toBe(2);
    expect(countSlice(mask, 12)).toBe(0); // nothing beyond the last drawn slice
  });

  it('leaves slices that already hold the label alone and respects protection', () => {
    const mask = new Uint8Array(16 ** 3);
    mask[at(8, 8, 2)] = 1;
    mask[at(8, 8, 4)] = 1;
    mask[at(8, 8, 3)] = 3; // protected voxel in the gap
    const res = interpolateSlices(new ChangeRecorder(mask), mask, grid, { axis: 2, label: 1, rule: { mode: 'background' } });
    expect(res.changedVoxels).toBe(0);
    expect(mask[at(8, 8, 3)]).toBe(3);
  });

  it('signed distance is negative inside and positive outside in mm', () => {
    const inside = new Uint8Array(25);
    inside[12] = 1; // centre of 5x5
    const d = signedDistance(inside, { w: 5, h: 5, sw: 2, sh: 2 });
    expect(d[12]).toBeLessThan(0);
    expect(d[13]).toBeCloseTo(2);
    expect(d[0]).toBeCloseTo(Math.hypot(4, 4));
  });
});

function countSlice(mask: Uint8Array, z: number) {
  let n = 0;
  for (let i = 0; i < 256; i++) if (mask[z * 256 + i]) n++;
  return n;
}
