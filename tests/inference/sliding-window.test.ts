import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@/lib/server/inference/geometry';
import { activateInPlace } from '@/lib/server/inference/postprocess';
import { slidingWindow, type Predictor } from '@/lib/server/inference/sliding-window';
import { gaussianImportance, padAmounts, windowGrid, windowStarts } from '@/lib/server/inference/windows';

describe('window geometry (sliding_window.py, itself checked against MONAI)', () => {
  it.each([
    [70, 64, 0.5, [0, 6]],
    [64, 64, 0.5, [0]],
    [100, 32, 0.25, [0, 24, 48, 68]],
    [33, 16, 0.5, [0, 8, 16, 17]],
    [83, 32, 0.5, [0, 16, 32, 48, 51]],
    [5, 4, 0.9, [0, 1]],
    [40, 32, 0, [0, 8]],
  ])('starts(n=%i, p=%i, overlap=%f) = %j', (n, p, overlap, want) => {
    expect(windowStarts(n, p, overlap)).toEqual(want);
  });

  it('refuses an axis shorter than the patch and orders windows x slowest', () => {
    expect(() => windowStarts(10, 16, 0.5)).toThrow(/pad it first/);
    expect(windowGrid([6, 4, 6], [4, 4, 4], 0.5)).toEqual([
      [0, 0, 0],
      [0, 0, 2],
      [2, 0, 0],
      [2, 0, 2],
    ]);
  });

  it('pads symmetrically, the odd voxel after', () => {
    expect(padAmounts([20, 31, 64], [32, 32, 32])).toEqual([
      [6, 6],
      [0, 1],
      [0, 0],
    ]);
  });

  it('gaussian importance: the product formula, peak at the centre, clamped below at 1e-3', () => {
    const patch: Vec3 = [8, 6, 4];
    const w = gaussianImportance(patch, 0.125);
    const g = (t: number, p: number) => Math.exp(-((t - (p - 1) / 2) ** 2) / (2 * (0.125 * p) ** 2));
    const at = (a: number, b: number, c: number) => w[(a * 6 + b) * 4 + c];
    expect(at(3, 2, 1)).toBeCloseTo(g(3, 8) * g(2, 6) * g(1, 4), 6);
    expect(at(3, 2, 1)).toBe(at(4, 3, 2)); // symmetric about the centre
    expect(Math.min(...w)).toBe(Math.fround(1e-3)); // corners fall far below 1e-3 and are clamped up
    expect(at(0, 0, 0)).toBe(Math.fround(1e-3));
  });
});

describe('slidingWindow', () => {
  /** logits = the input channels themselves: blending identical overlapping values must give the input back. */
  const identity =
    (C: number, patch: Vec3, calls: number[]): Predictor =>
    async (windows, n) => {
      calls.push(n);
      const pv = patch[0] * patch[1] * patch[2];
      const features = new Float32Array(n).map((_, b) => windows[b * C * pv]); // first voxel of each window
      return { logits: windows.slice(0, n * C * pv), features };
    };

  it.each([
    [[9, 7, 6], [4, 4, 4], 1],
    [[9, 7, 6], [4, 4, 4], 3],
    [[3, 7, 2], [4, 4, 4], 2], // axes shorter than the patch are zero-padded and cropped back
  ] as [Vec3, Vec3, number][])('shape %j, patch %j, batch %i: identity logits blend back to the input', async (shape, patch, batch) => {
    const C = 2;
    const x = new Float32Array(C * shape[0] * shape[1] * shape[2]).map((_, i) => Math.sin(i * 0.7) * 3);
    const calls: number[] = [];
    const res = await slidingWindow(
      x,
      C,
      shape,
      { patch, overlap: 0.5, sigmaScale: 0.125, importanceMinimum: 1e-3, classes: C, batch },
      identity(C, patch, calls),
    );
    expect(res.logits.length).toBe(x.length);
    const worst = Math.max(...Array.from(res.logits, (v, i) => Math.abs(v - x[i])));
    expect(worst).toBeLessThan(1e-5);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(res.windows);
    expect(Math.max(...calls)).toBeLessThanOrEqual(batch);
  });

  it.each(['softmax', 'sigmoid'] as const)(
    'activating slab by slab during the windows (%s) gives exactly the activation of the blended result',
    async (activation) => {
      const C = 3;
      const shape: Vec3 = [11, 7, 6];
      const patch: Vec3 = [4, 4, 4];
      const x = new Float32Array(C * shape[0] * shape[1] * shape[2]).map((_, i) => Math.sin(i * 0.37) * 4);
      const opts = { patch, overlap: 0.5, sigmaScale: 0.125, importanceMinimum: 1e-3, classes: C, batch: 2 };
      const raw = await slidingWindow(x, C, shape, opts, identity(C, patch, []));
      const once = raw.logits.slice();
      activateInPlace(once, C, activation);
      const streamed = await slidingWindow(x, C, shape, { ...opts, activation }, identity(C, patch, []));
      expect(Buffer.from(streamed.logits.buffer).equals(Buffer.from(once.buffer))).toBe(true);
      expect(Buffer.from(once.buffer).equals(Buffer.from(raw.logits.buffer))).toBe(false);
    },
  );

  it('features are the unweighted mean over windows, whatever the batch size', async () => {
    const shape: Vec3 = [10, 6, 6];
    const patch: Vec3 = [4, 4, 4];
    const x = new Float32Array(shape[0] * shape[1] * shape[2]).map((_, i) => (i % 17) - 3);
    const run = (batch: number) =>
      slidingWindow(
        x,
        1,
        shape,
        { patch, overlap: 0.5, sigmaScale: 0.125, importanceMinimum: 1e-3, classes: 1, batch },
        identity(1, patch, []),
      );
    const one = await run(1);
    const grid = windowGrid(shape, patch, 0.5);
    const firstVoxels = grid.map(([a, b, c]) => x[(a * shape[1] + b) * shape[2] + c]);
    expect(one.windows).toBe(grid.length);
    expect(one.features[0]).toBeCloseTo(firstVoxels.reduce((s, v) => s + v, 0) / grid.length, 6);
    const four = await run(4);
    expect(Array.from(four.features)).toEqual(Array.from(one.features));
    expect(Array.from(four.logits)).toEqual(Array.from(one.logits));
  });
});
