import 'server-only';
import { blockLabels, certainLabels, workBox } from './certain';
import { cropFileBox, cropShapeOf, rasToFileStrides, type Geometry, type Vec3 } from './geometry';
import { linearAxisMap, resampleAxisWith, sliceAxisMap } from './resample';

/**
 * Softmax (or sigmoid) and the way back to the native grid (preprocess.py probabilities_to_native): probabilities
 * resampled trilinearly to the crop's native shape, decided (argmax, first maximum; or thresholded nested regions),
 * mapped to product labels, pasted into zeros, reoriented back to file order.
 * The native-resolution probabilities (K x the crop, ~50 MB for a brain) are never stored: only the box around
 * what is not certain background is resampled, and its last pass is fused with the argmax and the entropy.
 */

/**
 * In-place softmax over the class axis of (K, n) logits, in float32 like torch.softmax: exp(x - max), a running
 * float32 sum, a division. (torch's vectorised exp can differ by one ulp from the correctly rounded one used here.)
 */
export function softmaxInPlace(x: Float32Array, K: number): void {
  activateRange(x, K, 'softmax', 0, x.length / K);
}

export type Activation = 'softmax' | 'sigmoid';

/** Element-wise logistic in float32 (torch.sigmoid to an ulp). */
export function sigmoidInPlace(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
}

/** (K, n) outputs -> probabilities: softmax over the class axis, or sigmoid per channel. */
export function activateInPlace(x: Float32Array, K: number, activation: Activation): void {
  if (activation === 'softmax') softmaxInPlace(x, K);
  else sigmoidInPlace(x);
}

/**
 * activateInPlace on the voxels [from, to) of (K, n) outputs only, with the same arithmetic voxel by voxel: the
 * sliding window activates each slab of the volume as soon as no later window can change it (sliding-window.ts).
 */
export function activateRange(x: Float32Array, K: number, activation: Activation, from: number, to: number): void {
  const n = x.length / K;
  if (activation === 'sigmoid') {
    for (let k = 0; k < K; k++) for (let i = k * n + from; i < k * n + to; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
    return;
  }
  const f32 = Math.fround;
  const e = new Float64Array(K);
  for (let i = from; i < to; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (x[k * n + i] > max) max = x[k * n + i];
    let sum = 0;
    for (let k = 0; k < K; k++) sum = f32(sum + (e[k] = f32(Math.exp(f32(x[k * n + i] - max)))));
    for (let k = 0; k < K; k++) x[k * n + i] = e[k] / sum;
  }
}

/**
 * How probabilities become product labels. argmax: class index -> product label through `lut` (class -> the model's
 * label -> its product label). regions: each `paint` entry whose channel reaches its threshold paints its label, in
 * order (later overwrite earlier); the model's label -> product label through `lut`.
 */
export type Decoder =
  | { kind: 'argmax'; lut: Uint8Array }
  | { kind: 'regions'; thresholds: number[]; paint: { channel: number; label: number }[]; lut: Uint8Array };

export interface NativeLabels {
  /** uint8 labels (0 background, 1 NCR, 2 ED, 3 ET) in file voxel order */
  mask: Uint8Array;
  /** voxels per product label inside the crop (everything outside the crop is background) */
  labelCounts: number[];
  /** sum of the normalised entropy (softmax: H / ln K; sigmoid: mean binary entropy / ln 2; in [0, 1]) over foreground voxels */
  foregroundEntropySum: number;
  /** inclusive file voxel box outside which the mask is 0 (what was resampled); null when it is all 0 */
  box: { lo: Vec3; hi: Vec3 } | null;
}

/**
 * probs: (K, ...g.resampledShape) softmax probabilities. Voxels whose surrounding target voxels are all certain
 * background (certain.ts) are background; the box holding the rest is resampled exactly (Z and Y passes, then the X
 * pass one native plane at a time fused with the argmax, first maximum winning as np.argmax, and the entropy).
 */
export function probabilitiesToNative(probs: Float32Array, K: number, g: Geometry, decoder: Decoder = identityDecoder(K)): NativeLabels {
  const crop = cropShapeOf(g);
  const target = g.resampledShape;
  const maps = [0, 1, 2].map((k) => linearAxisMap(target[k], crop[k]));
  // labels go straight to their file voxel (only the tumour's are written: the rest stays 0, background)
  const mask = new Uint8Array(g.fileDims[0] * g.fileDims[1] * g.fileDims[2]);
  const { base, step } = rasToFileStrides(g);
  const { lut } = decoder;
  const counts = new Array<number>(Math.max(...lut) + 1).fill(0);
  counts[0] = crop[0] * crop[1] * crop[2];
  // the certain-background shortcut holds for an argmax with class 0 background; regions are decided everywhere
  const regions = decoder.kind === 'regions' ? decoder : null;
  const blocks = regions ? new Uint8Array(probs.length / K).fill(255) : blockLabels(certainLabels(probs, K), target);
  const box = workBox(blocks, target, maps);
  if (!box) return { mask, labelCounts: counts, foregroundEntropySum: 0, box: null };

  const { from, to, lo, hi } = box;
  const size = [0, 1, 2].map((k) => hi[k] - lo[k] + 1) as Vec3;
  const n = [0, 1, 2].map((k) => to[k] - from[k]) as Vec3;
  counts[0] -= n[0] * n[1] * n[2];
  const sub = subGrid(probs, K, target, lo, size);
  const [xs, ys, zs] = [0, 1, 2].map((k) => sliceAxisMap(maps[k], from[k], to[k], lo[k]));
  const zPass = resampleAxisWith(sub, K * size[0] * size[1], size[2], 1, zs);
  const zy = resampleAxisWith(zPass, K * size[0], size[1], n[2], ys);

  const f32 = Math.fround;
  const plane = n[1] * n[2];
  const classStride = size[0] * plane;
  const P = new Float32Array(K * plane);
  const bestVal = new Float32Array(plane);
  const best = new Uint8Array(plane);
  const lnK = Math.log(K);
  let entropySum = 0;
  for (let a = 0; a < n[0]; a++) {
    const w0 = xs.w0[a];
    const w1 = xs.w1[a];
    for (let k = 0; k < K; k++) {
      const r0 = k * classStride + xs.i0[a] * plane;
      const r1 = k * classStride + xs.i1[a] * plane;
      const o = k * plane;
      for (let t = 0; t < plane; t++) P[o + t] = f32(zy[r0 + t] * w0 + f32(zy[r1 + t] * w1));
    }
    if (regions) paintRegions(P, plane, regions, best);
    else {
      best.fill(0);
      bestVal.set(P.subarray(0, plane));
      for (let k = 1; k < K; k++)
        for (let t = 0, o = k * plane; t < plane; t++)
          if (P[o + t] > bestVal[t]) {
            bestVal[t] = P[o + t];
            best[t] = k;
          }
    }
    for (let b = 0, t = 0; b < n[1]; b++) {
      let d = base + (from[0] + a) * step[0] + (from[1] + b) * step[1] + from[2] * step[2];
      for (let c = 0; c < n[2]; c++, t++, d += step[2]) {
        const label = lut[best[t]];
        counts[label]++;
        if (label === 0) continue;
        mask[d] = label;
        entropySum += regions ? binaryEntropy(P, plane, t, K) : softmaxEntropy(P, plane, t, K) / lnK;
      }
    }
  }
  const resampled = { cropLo: g.cropLo.map((l, k) => l + from[k]) as Vec3, cropHi: g.cropLo.map((l, k) => l + to[k]) as Vec3 };
  return { mask, labelCounts: counts, foregroundEntropySum: entropySum, box: cropFileBox({ ...g, ...resampled }) };
}

function softmaxEntropy(P: Float32Array, plane: number, t: number, K: number): number {
  let h = 0;
  for (let k = 0; k < K; k++) {
    const q = P[k * plane + t];
    if (q > 0) h -= q * Math.log(q);
  }
  return h;
}

/** Mean over the K channels of the binary entropy in bits (0..1). */
function binaryEntropy(P: Float32Array, plane: number, t: number, K: number): number {
  let h = 0;
  for (let k = 0; k < K; k++) {
    const q = Math.min(Math.max(P[k * plane + t], 0), 1);
    if (q > 0 && q < 1) h -= (q * Math.log(q) + (1 - q) * Math.log(1 - q)) / Math.LN2;
  }
  return h / K;
}

/** Per voxel of a plane: the model's label painted by the regions that reach their threshold (MONAI: p >= t). */
function paintRegions(P: Float32Array, plane: number, d: Extract<Decoder, { kind: 'regions' }>, out: Uint8Array): void {
  out.fill(0);
  for (const { channel, label } of d.paint) {
    const o = channel * plane;
    const thr = d.thresholds[channel];
    for (let t = 0; t < plane; t++) if (P[o + t] >= thr) out[t] = label;
  }
}

/** Class k is product label k (card 1: background, NCR, ED, ET). */
export function identityDecoder(K: number): Decoder {
  return { kind: 'argmax', lut: Uint8Array.from({ length: K }, (_, k) => k) };
}

/** The (K, ...size) block of a (K, ...shape) array starting at `lo`. */
function subGrid(src: Float32Array, K: number, shape: Vec3, lo: Vec3, size: Vec3): Float32Array {
  const out = new Float32Array(K * size[0] * size[1] * size[2]);
  let d = 0;
  for (let k = 0; k < K; k++)
    for (let x = 0; x < size[0]; x++)
      for (let y = 0; y < size[1]; y++, d += size[2]) {
        const s = ((k * shape[0] + lo[0] + x) * shape[1] + lo[1] + y) * shape[2] + lo[2];
        out.set(src.subarray(s, s + size[2]), d);
      }
  return out;
}
