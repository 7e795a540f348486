import 'server-only';
import type { Vec3 } from './geometry';
import type { AxisMap } from './resample';

/**
 * Where the native-grid argmax is decided without resampling. A native voxel's probabilities are a convex combination
 * of the 8 target voxels around it (i0/i1 per axis). If class k leads every other class by more than MARGIN at all 8,
 * it leads in any convex combination, and the float32 blends (3 nested roundings of values <= 1, error < 1e-6) cannot
 * undo a lead of 1e-5: the argmax is k, exactly as the full computation would find. Background far from the tumour is
 * such a region, so only a box around the tumour needs the resampling (the whole crop for an untrained model).
 */

export const MARGIN = 1e-5;
const UNSURE = 255;

/** Per target voxel: the argmax class when it leads the runner-up by more than MARGIN, else 255. probs: (K, n). */
export function certainLabels(probs: Float32Array, K: number): Uint8Array {
  const n = probs.length / K;
  const out = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    let best = 0;
    let top = probs[t];
    let second = -Infinity;
    for (let k = 1; k < K; k++) {
      const v = probs[k * n + t];
      if (v > top) {
        second = top;
        top = v;
        best = k;
      } else if (v > second) second = v;
    }
    out[t] = top - second > MARGIN ? best : UNSURE;
  }
  return out;
}

/**
 * Per target voxel (x, y, z): the label shared by the 2x2x2 block (x..x+1, y..y+1, z..z+1, clamped at the last index),
 * or 255. A native voxel whose i0 indices are (x, y, z) reads only voxels of that block. Separable: pairs along z,
 * then pairs of those along y, then along x.
 */
export function blockLabels(certain: Uint8Array, shape: Vec3): Uint8Array {
  const [, ty, tz] = shape;
  const strides = [ty * tz, tz, 1];
  let cur = certain;
  for (const axis of [2, 1, 0]) {
    const next = new Uint8Array(cur.length);
    const s = strides[axis];
    const n = shape[axis];
    for (let t = 0; t < cur.length; t++) {
      const i = Math.floor(t / s) % n;
      const other = i < n - 1 ? cur[t + s] : cur[t];
      next[t] = cur[t] === other ? cur[t] : UNSURE;
    }
    cur = next;
  }
  return cur;
}

/**
 * The native index ranges [from, to) per axis that hold every voxel whose block is not certain background, and the
 * target ranges [lo, hi] (inclusive) those voxels read; null when the whole crop is certain background.
 */
export function workBox(blocks: Uint8Array, shape: Vec3, maps: AxisMap[]): { from: Vec3; to: Vec3; lo: Vec3; hi: Vec3 } | null {
  const [tx, ty, tz] = shape;
  const bmin: Vec3 = [tx, ty, tz];
  const bmax: Vec3 = [-1, -1, -1];
  for (let x = 0, t = 0; x < tx; x++)
    for (let y = 0; y < ty; y++)
      for (let z = 0; z < tz; z++, t++) {
        if (blocks[t] === 0) continue;
        if (x < bmin[0]) bmin[0] = x;
        if (x > bmax[0]) bmax[0] = x;
        if (y < bmin[1]) bmin[1] = y;
        if (y > bmax[1]) bmax[1] = y;
        if (z < bmin[2]) bmin[2] = z;
        if (z > bmax[2]) bmax[2] = z;
      }
  if (bmax[0] < 0) return null;
  const from = [0, 0, 0] as Vec3;
  const to = [0, 0, 0] as Vec3;
  const lo = [0, 0, 0] as Vec3;
  const hi = [0, 0, 0] as Vec3;
  for (let k = 0; k < 3; k++) {
    const { i0, i1 } = maps[k];
    // i0 never decreases along an axis, so the voxels reading blocks bmin..bmax form one range
    let a = 0;
    while (a < i0.length && i0[a] < bmin[k]) a++;
    let b = i0.length - 1;
    while (b >= 0 && i0[b] > bmax[k]) b--;
    if (a > b) return null; // no native voxel reads those blocks (a target grid finer than the crop along k)
    from[k] = a;
    to[k] = b + 1;
    lo[k] = i0[a];
    hi[k] = Math.max(i1[b], i0[b]);
  }
  return { from, to, lo, hi };
}
