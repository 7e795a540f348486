import 'server-only';
import type { Vec3 } from './geometry';
import { nnunetWindowStarts } from './nnunet';

/**
 * The geometry of sliding-window inference (training/src/tumorwatch_train/sliding_window.py, itself checked
 * against monai.inferers.sliding_window_inference): padding, window starts and the gaussian importance map.
 */

const f32 = Math.fround;

/** Per axis [before, after]: diff = max(P - n, 0), before = floor(diff / 2), after = the rest. */
export function padAmounts(shape: Vec3, patch: Vec3): [number, number][] {
  return shape.map((n, k) => {
    const diff = Math.max(patch[k] - n, 0);
    const before = Math.floor(diff / 2);
    return [before, diff - before] as [number, number];
  });
}

/**
 * Starts along one axis of (padded) size n >= p: step = p when n == p, else max(1, trunc(p * (1 - overlap)));
 * windows at 0, step, 2 step, ... up to the first that reaches n; a window that would overrun is moved back to end at n.
 */
export function windowStarts(n: number, p: number, overlap: number): number[] {
  if (n < p) throw new Error(`windowStarts: axis of ${n} voxels is shorter than the patch (${p}); pad it first`);
  const step = n === p ? p : Math.max(1, Math.trunc(p * (1 - overlap)));
  const num = Math.ceil(n / step);
  let count = 1;
  for (let d = 0; d < num; d++)
    if (d * step + p >= n) {
      count = d + 1;
      break;
    }
  const starts: number[] = [];
  for (let i = 0; i < count; i++) starts.push(i * step - Math.max(i * step + p - n, 0));
  return starts;
}

/** Every window's start, x slowest then y then z (the visiting order of the reference loop); nnunet: nnU-Net's placement. */
export function windowGrid(padded: Vec3, patch: Vec3, overlap: number, placement: 'monai' | 'nnunet' = 'monai'): Vec3[] {
  const starts = (n: number, p: number) => (placement === 'nnunet' ? nnunetWindowStarts(n, p, 1 - overlap) : windowStarts(n, p, overlap));
  const [sx, sy, sz] = padded.map((n, k) => starts(n, patch[k]));
  const out: Vec3[] = [];
  for (const x of sx) for (const y of sy) for (const z of sz) out.push([x, y, z]);
  return out;
}

/**
 * w(t) = prod_d exp(-(t_d - (P_d - 1) / 2)^2 / (2 (sigmaScale * P_d)^2)) in float32, clamped below at
 * max(min w, minimum). C-ordered (P0, P1, P2). Not normalised: the blend divides by the summed weights anyway.
 */
export function gaussianImportance(patch: Vec3, sigmaScale: number, minimum = 1e-3): Float32Array {
  const axes = patch.map((p) => {
    const sigma = p * sigmaScale;
    const denom = f32(-2 * sigma ** 2); // torch divides a float32 tensor by a python float: float32 arithmetic
    const g = new Float32Array(p);
    for (let t = 0; t < p; t++) {
      const x = f32(-(p - 1) / 2 + t);
      g[t] = Math.exp(f32(f32(x * x) / denom));
    }
    return g;
  });
  const [p0, p1, p2] = patch;
  const w = new Float32Array(p0 * p1 * p2);
  let min = Infinity;
  for (let a = 0, i = 0; a < p0; a++)
    for (let b = 0; b < p1; b++) {
      const ab = f32(axes[0][a] * axes[1][b]);
      for (let c = 0; c < p2; c++, i++) {
        const v = (w[i] = f32(ab * axes[2][c]));
        if (v < min) min = v;
      }
    }
  const floor = f32(Math.max(min, minimum));
  for (let i = 0; i < w.length; i++) if (w[i] < floor) w[i] = floor;
  return w;
}

/** Zero-pads a (C, X, Y, Z) array by `pads`; returns the input itself when nothing is padded. */
export function padVolume(x: Float32Array, channels: number, shape: Vec3, pads: [number, number][]): { data: Float32Array; shape: Vec3 } {
  if (pads.every(([a, b]) => a === 0 && b === 0)) return { data: x, shape };
  const out = shape.map((n, k) => n + pads[k][0] + pads[k][1]) as Vec3;
  const data = new Float32Array(channels * out[0] * out[1] * out[2]);
  for (let c = 0; c < channels; c++)
    for (let a = 0; a < shape[0]; a++)
      for (let b = 0; b < shape[1]; b++) {
        const s = ((c * shape[0] + a) * shape[1] + b) * shape[2];
        const d = ((c * out[0] + a + pads[0][0]) * out[1] + b + pads[1][0]) * out[2] + pads[2][0];
        data.set(x.subarray(s, s + shape[2]), d);
      }
  return { data, shape: out };
}
