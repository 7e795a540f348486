import 'server-only';
import type { Vec3 } from './geometry';
import { nnunetGaussian } from './nnunet';
import { activateRange, type Activation } from './postprocess';
import { gaussianImportance, padAmounts, padVolume, windowGrid } from './windows';

/**
 * Sliding-window inference with gaussian (or constant) blending (sliding_window.py, line by line): pad, visit the windows x-slowest,
 * accumulate logits * w and w, divide, crop the padding off; the features are the unweighted mean over windows.
 * Windows may be sent `batch` at a time: the network normalises per sample (GroupNorm), so batching changes nothing
 * but the call overhead.
 */

const f32 = Math.fround;

/** Runs `n` windows laid out (n, C, P0, P1, P2); returns logits (n, K, P0, P1, P2) and features (n, F; F = 0 without). */
export type Predictor = (windows: Float32Array, n: number) => Promise<{ logits: Float32Array; features: Float32Array }>;

export interface SlidingWindowOptions {
  patch: Vec3;
  overlap: number;
  sigmaScale: number;
  importanceMinimum: number;
  classes: number;
  /** windows per predictor call */
  batch: number;
  /** gaussian (default): the importance map; constant: every window voxel weighs 1 (MONAI mode='constant'); gaussian-nnunet: nnU-Net's */
  blending?: 'gaussian' | 'constant' | 'gaussian-nnunet';
  /** window starts: MONAI's (default) or nnU-Net's (windows.ts windowGrid) */
  placement?: 'monai' | 'nnunet';
  /** when set, the result is activated (softmax or sigmoid over the classes) rather than raw blended logits */
  activation?: Activation;
}

export interface SlidingWindowResult {
  /** blended logits (K, X, Y, Z) on the unpadded grid; probabilities when `activation` was given */
  logits: Float32Array;
  features: Float64Array;
  windows: number;
}

export async function slidingWindow(
  x: Float32Array,
  channels: number,
  shape: Vec3,
  opts: SlidingWindowOptions,
  predict: Predictor,
): Promise<SlidingWindowResult> {
  const { patch, classes: K } = opts;
  const pads = padAmounts(shape, patch);
  const padded = padVolume(x, channels, shape, pads);
  const size = padded.shape;
  const starts = windowGrid(size, patch, opts.overlap, opts.placement);
  const w =
    opts.blending === 'constant'
      ? new Float32Array(patch[0] * patch[1] * patch[2]).fill(1)
      : opts.blending === 'gaussian-nnunet'
        ? nnunetGaussian(patch, opts.sigmaScale)
        : gaussianImportance(patch, opts.sigmaScale, opts.importanceMinimum);
  const nPad = size[0] * size[1] * size[2];
  const out = new Float32Array(K * nPad);
  const count = new Float32Array(nPad);
  const patchVoxels = patch[0] * patch[1] * patch[2];
  const batch = Math.max(1, Math.min(opts.batch, starts.length));
  let featureSum: Float64Array | null = null;
  // Groups g + 1 and g + 2 are sent before group g is blended: with the network in its own thread (ort-thread/),
  // blending overlaps the next run, and the network always has a group queued while the main thread is busy. Each
  // group gets its own input buffer (a running network may still read it); the blend order is the windows' order,
  // as before, so the sums are the same to the bit.
  const AHEAD = 2;
  const inflight: { group: Vec3[]; pending: ReturnType<Predictor> }[] = [];
  let launched = 0;
  const launchAhead = () => {
    for (; inflight.length < AHEAD && launched < starts.length; launched += batch) {
      const group = starts.slice(launched, launched + batch);
      const input = new Float32Array(group.length * channels * patchVoxels);
      group.forEach((s, b) => gatherWindow(padded.data, channels, size, s, patch, input, b * channels * patchVoxels));
      const pending = predict(input, group.length);
      pending.catch(() => undefined); // awaited in turn below; a failure behind an earlier one must not go unhandled
      inflight.push({ group, pending });
    }
  };
  // x-slabs are finished (divided by the summed weights, cropped, activated) as soon as no window still to come
  // covers them, while the next window runs: the same arithmetic per voxel as one pass at the end
  const result = new Float32Array(K * shape[0] * shape[1] * shape[2]);
  const laterStartX = suffixMinX(starts);
  let finished = 0;
  const finishUpTo = (paddedX: number) => {
    const to = Math.min(shape[0], Math.max(finished, paddedX - pads[0][0]));
    if (to <= finished) return;
    normaliseAndCrop(out, count, K, size, shape, pads, result, finished, to);
    const plane = shape[1] * shape[2];
    if (opts.activation) activateRange(result, K, opts.activation, finished * plane, to * plane);
    finished = to;
  };
  launchAhead();
  for (let first = 0; first < starts.length; first += batch) {
    const { group, pending } = inflight.shift()!;
    const res = await pending;
    launchAhead();
    const n = group.length;
    const F = res.features.length / n;
    featureSum ??= new Float64Array(F);
    for (let b = 0; b < n; b++) {
      for (let f = 0; f < F; f++) featureSum[f] += res.features[b * F + f];
      const logits = res.logits.subarray(b * K * patchVoxels, (b + 1) * K * patchVoxels);
      accumulateWindow(out, count, K, size, group[b], patch, logits, w);
    }
    finishUpTo(laterStartX[first + batch] ?? Infinity);
  }
  finishUpTo(Infinity);
  const features = featureSum!.map((v) => f32(v / starts.length));
  return { logits: result, features, windows: starts.length };
}

/** Copies one (C, P0, P1, P2) window of the padded volume into `dst` at `offset`, z-runs at a time. */
export function gatherWindow(src: Float32Array, C: number, size: Vec3, s: Vec3, patch: Vec3, dst: Float32Array, offset: number): void {
  const [, Y, Z] = size;
  let d = offset;
  for (let c = 0; c < C; c++)
    for (let a = 0; a < patch[0]; a++)
      for (let b = 0; b < patch[1]; b++, d += patch[2]) {
        const from = ((c * size[0] + s[0] + a) * Y + s[1] + b) * Z + s[2];
        dst.set(src.subarray(from, from + patch[2]), d);
      }
}

/** out += logits * w and count += w over the window, in float32 (each product rounded, then each sum). */
function accumulateWindow(
  out: Float32Array,
  count: Float32Array,
  K: number,
  size: Vec3,
  s: Vec3,
  patch: Vec3,
  logits: Float32Array,
  w: Float32Array,
): void {
  const [X, Y, Z] = size;
  const [p0, p1, p2] = patch;
  for (let a = 0, wi = 0; a < p0; a++)
    for (let b = 0; b < p1; b++, wi += p2) {
      const row = ((s[0] + a) * Y + s[1] + b) * Z + s[2];
      for (let t = 0; t < p2; t++) count[row + t] += w[wi + t];
    }
  for (let k = 0; k < K; k++) {
    const base = k * X * Y * Z;
    const lk = k * p0 * p1 * p2;
    for (let a = 0, wi = 0; a < p0; a++)
      for (let b = 0; b < p1; b++, wi += p2) {
        const row = base + ((s[0] + a) * Y + s[1] + b) * Z + s[2];
        const li = lk + wi;
        for (let t = 0; t < p2; t++) out[row + t] += f32(logits[li + t] * w[wi + t]);
      }
  }
}

/** laterStartX[i]: the smallest x start of windows i, i + 1, ... (Infinity past the last). */
function suffixMinX(starts: Vec3[]): number[] {
  const m = new Array<number>(starts.length + 1).fill(Infinity);
  for (let i = starts.length - 1; i >= 0; i--) m[i] = Math.min(starts[i][0], m[i + 1]);
  return m;
}

/** res = out / count with the padding cropped off, (K, ...shape), for the unpadded x planes [from, to). */
function normaliseAndCrop(
  out: Float32Array,
  count: Float32Array,
  K: number,
  size: Vec3,
  shape: Vec3,
  pads: [number, number][],
  res: Float32Array,
  from: number,
  to: number,
): void {
  const [X, Y, Z] = size;
  for (let k = 0; k < K; k++)
    for (let a = from; a < to; a++)
      for (let b = 0; b < shape[1]; b++) {
        const row = ((a + pads[0][0]) * Y + b + pads[1][0]) * Z + pads[2][0];
        const src = k * X * Y * Z + row;
        let d = ((k * shape[0] + a) * shape[1] + b) * shape[2];
        for (let t = 0; t < shape[2]; t++, d++) res[d] = out[src + t] / count[row + t];
      }
}
