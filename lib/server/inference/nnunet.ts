import 'server-only';
import type { VoxelArray } from '@/lib/server/imaging/nifti';
import type { Vec3 } from './geometry';

/**
 * What nnU-Net v2 does differently from MONAI, ported from nnunetv2 2.8.1 (card fields blending 'gaussian-nnunet',
 * windowPlacement 'nnunet', z-score mask 'nonzero-union-filled'), checked against nnUNetPredictor in
 * tests/model-import/nnunet-parity.test.ts.
 */

/** numpy's round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** compute_steps_for_sliding_window(n, P, tileStep) along one (padded, n >= P) axis. */
export function nnunetWindowStarts(n: number, p: number, tileStep: number): number[] {
  if (n < p) throw new Error(`nnunetWindowStarts: axis of ${n} voxels is shorter than the patch (${p}); pad it first`);
  const count = Math.ceil((n - p) / (p * tileStep)) + 1;
  const step = count > 1 ? (n - p) / (count - 1) : 0;
  return Array.from({ length: count }, (_, i) => roundHalfEven(step * i));
}

/** A float64 rounded to the nearest float16 (ties to even; subnormals kept), as torch's .to(torch.float16). */
export function toFloat16(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, -14) - 10);
  const q = a / ulp;
  const r = Math.floor(q);
  const rounded = q - r > 0.5 || (q - r === 0.5 && r % 2 === 1) ? r + 1 : r;
  return Math.sign(x) * Math.min(rounded * ulp, 65504);
}

/** scipy.ndimage's 1-D gaussian kernel (truncate 4): weights at offsets -radius..radius, summing to 1. */
function scipyKernel(sigma: number): { radius: number; w: Float64Array } {
  const radius = Math.trunc(4 * sigma + 0.5);
  const w = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += w[i + radius] = Math.exp((-0.5 / (sigma * sigma)) * i * i);
  for (let i = 0; i < w.length; i++) w[i] /= sum;
  return { radius, w };
}

/**
 * compute_gaussian(patch, sigma_scale, value_scaling_factor=10, dtype=float16): the filtered impulse at P // 2 is the
 * product of the three kernels (float64), divided by its maximum / 10, rounded to float16; zeros become the minimum.
 */
export function nnunetGaussian(patch: Vec3, sigmaScale: number): Float32Array {
  const axes = patch.map((p) => {
    const { radius, w } = scipyKernel(p * sigmaScale);
    const c = Math.floor(p / 2);
    return Float64Array.from({ length: p }, (_, t) => (Math.abs(t - c) <= radius ? w[t - c + radius] : 0));
  });
  const [p0, p1, p2] = patch;
  const centre = patch.map((p) => Math.floor(p / 2));
  const max = axes[0][centre[0]] * axes[1][centre[1]] * axes[2][centre[2]];
  const scale = max / 10;
  const g = new Float32Array(p0 * p1 * p2);
  let min = Infinity;
  for (let a = 0, i = 0; a < p0; a++)
    for (let b = 0; b < p1; b++) {
      const ab = axes[0][a] * axes[1][b];
      for (let c = 0; c < p2; c++, i++) {
        const v = (g[i] = toFloat16((ab * axes[2][c]) / scale));
        if (v > 0 && v < min) min = v;
      }
    }
  for (let i = 0; i < g.length; i++) if (g[i] === 0) g[i] = min;
  return g;
}

/**
 * create_nonzero_mask: voxels of the box (inclusive file indices, x fastest) where any channel is non-zero, with the
 * holes filled as scipy's binary_fill_holes does (background not 6-connected to the border is filled). The box holds
 * every non-zero voxel, so its border stands for the image's. 1 = inside.
 */
export function unionFilledMask(volumes: VoxelArray[], dims: Vec3, box: { lo: Vec3; hi: Vec3 }): Uint8Array {
  const [w, h, l] = [0, 1, 2].map((k) => box.hi[k] - box.lo[k] + 1);
  const mask = new Uint8Array(w * h * l);
  for (let z = 0, d = 0; z < l; z++)
    for (let y = 0; y < h; y++, d += w) {
      const row = ((box.lo[2] + z) * dims[1] + box.lo[1] + y) * dims[0] + box.lo[0];
      for (const v of volumes) for (let x = 0; x < w; x++) if (v[row + x] !== 0) mask[d + x] = 1;
    }
  // flood the outside (2) from every background voxel on the box's faces, 6-connected
  const stack = new Int32Array(mask.length);
  let top = 0;
  const push = (i: number) => {
    if (mask[i] === 0) {
      mask[i] = 2;
      stack[top++] = i;
    }
  };
  for (let z = 0; z < l; z++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) if (x === 0 || y === 0 || z === 0 || x === w - 1 || y === h - 1 || z === l - 1) push((z * h + y) * w + x);
  const plane = w * h;
  while (top > 0) {
    const i = stack[--top];
    const x = i % w;
    const y = Math.floor(i / w) % h;
    const z = Math.floor(i / plane);
    if (x > 0) push(i - 1);
    if (x < w - 1) push(i + 1);
    if (y > 0) push(i - w);
    if (y < h - 1) push(i + w);
    if (z > 0) push(i - plane);
    if (z < l - 1) push(i + plane);
  }
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i] === 2 ? 0 : 1;
  return mask;
}
