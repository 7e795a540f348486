import 'server-only';
import { matmul4, nearestOrthogonal, type Mat4 } from './affine';
import type { NiftiVolume, VoxelArray } from './nifti';

/** For each array axis: the world axis (0 = x/R, 1 = y/A, 2 = z/S) it runs along, and whether it runs backwards. */
export type AxisOrientation = { axis: 0 | 1 | 2; flip: boolean }[];

const CODES = [
  ['R', 'L'],
  ['A', 'P'],
  ['S', 'I'],
] as const;

/**
 * nibabel's io_orientation: normalise the columns, take the nearest rotation (so oblique and sheared affines get the
 * closest axes), then for each array axis pick the world axis with the largest component, never reusing one.
 */
export function axisOrientation(affine: Mat4): AxisOrientation {
  const cols = [0, 1, 2].map((c) => [affine[c], affine[4 + c], affine[8 + c]]);
  const norms = cols.map((c) => Math.hypot(...c));
  if (norms.some((n) => !(n > 0) || !Number.isFinite(n))) throw new Error('affine is singular: an array axis has no extent in world space');
  const rs = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => cols[c][r] / norms[c]));
  const rot = nearestOrthogonal(rs);
  if (rot.some((x) => !Number.isFinite(x))) throw new Error('affine is singular');
  // Strongest array axis first (stable on ties), as nibabel 5 does, so a dimension is labelled the same whatever
  // the storage order.
  const strength = [0, 1, 2].map((c) => Math.max(...[0, 1, 2].map((r) => rot[r * 3 + c] ** 2)));
  const order = [0, 1, 2].sort((p, q) => strength[q] - strength[p] || p - q);
  const used = new Set<number>();
  const out: AxisOrientation = [];
  for (const inAx of order) {
    let best = -1;
    for (let o = 0; o < 3; o++) if (!used.has(o) && (best < 0 || Math.abs(rot[o * 3 + inAx]) > Math.abs(rot[best * 3 + inAx]))) best = o;
    used.add(best);
    out[inAx] = { axis: best as 0 | 1 | 2, flip: rot[best * 3 + inAx] < 0 };
  }
  return out;
}

/** 'LPS', 'RAS', ...: the world direction each array axis increases towards (nibabel aff2axcodes). */
export function orientationCode(affine: Mat4): string {
  return axisOrientation(affine)
    .map((o) => CODES[o.axis][o.flip ? 1 : 0])
    .join('');
}

/** Same array on a RAS+ grid (axes permuted/flipped, affine updated); `ornt` undoes it with fromCanonical. */
export function toCanonical<V extends Pick<NiftiVolume, 'dims' | 'spacing' | 'affine' | 'data'>>(volume: V) {
  const ornt = axisOrientation(volume.affine);
  const dims = [0, 0, 0] as [number, number, number];
  const spacing = [0, 0, 0] as [number, number, number];
  ornt.forEach((o, i) => {
    dims[o.axis] = volume.dims[i];
    spacing[o.axis] = volume.spacing[i];
  });
  const data = remap(volume.data, volume.dims, ornt, 'toCanonical');
  const affine = matmul4(volume.affine, canonicalToOriginal(ornt, volume.dims));
  return { volume: { ...volume, dims, spacing, affine, data } as V, ornt, originalDims: volume.dims };
}

/** Inverse of toCanonical: a canonical-grid array (e.g. a predicted mask) back onto the original array layout. */
export function fromCanonical<T extends VoxelArray>(data: T, ornt: AxisOrientation, originalDims: [number, number, number]): T {
  return remap(data, originalDims, ornt, 'fromCanonical');
}

/** Affine of the original grid given the canonical one (inverse of the toCanonical update). */
export function originalAffine(canonicalAffine: Mat4, ornt: AxisOrientation, originalDims: [number, number, number]): Mat4 {
  return matmul4(canonicalAffine, originalToCanonical(ornt, originalDims));
}

/** Voxel transform: canonical index -> original index (old_i = flip ? n_i-1-new_axis : new_axis). */
function canonicalToOriginal(ornt: AxisOrientation, dims: [number, number, number]): Mat4 {
  const t = new Array<number>(16).fill(0);
  t[15] = 1;
  ornt.forEach((o, i) => {
    t[i * 4 + o.axis] = o.flip ? -1 : 1;
    t[i * 4 + 3] = o.flip ? dims[i] - 1 : 0;
  });
  return t;
}

function originalToCanonical(ornt: AxisOrientation, dims: [number, number, number]): Mat4 {
  const t = new Array<number>(16).fill(0);
  t[15] = 1;
  ornt.forEach((o, i) => {
    t[o.axis * 4 + i] = o.flip ? -1 : 1;
    t[o.axis * 4 + 3] = o.flip ? dims[i] - 1 : 0;
  });
  return t;
}

/** One pass over the original index space; the canonical index is accumulated with per-axis strides. */
function remap<T extends VoxelArray>(
  src: T,
  dims: [number, number, number],
  ornt: AxisOrientation,
  dir: 'toCanonical' | 'fromCanonical',
): T {
  const canonDims = [0, 0, 0];
  ornt.forEach((o, i) => (canonDims[o.axis] = dims[i]));
  const canonStride = [1, canonDims[0], canonDims[0] * canonDims[1]];
  // For each original axis: where its index 0 lands and how far one step moves in the canonical array.
  const step = ornt.map((o) => (o.flip ? -1 : 1) * canonStride[o.axis]);
  const base = ornt.map((o, i) => (o.flip ? (dims[i] - 1) * canonStride[o.axis] : 0));
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const [nx, ny, nz] = dims;
  let orig = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      let canon = base[0] + base[1] + base[2] + j * step[1] + k * step[2];
      for (let i = 0; i < nx; i++, orig++, canon += step[0]) {
        if (dir === 'toCanonical') out[canon] = src[orig];
        else out[orig] = src[canon];
      }
    }
  return out;
}
