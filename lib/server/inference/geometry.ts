import 'server-only';
import type { VoxelArray } from '@/lib/server/imaging/nifti';

/**
 * Reorientation to RAS and the non-zero crop, ported from training/src/tumorwatch_train/orientation.py and
 * preprocess.py. The rule differs from lib/server/imaging/orientation.ts (nibabel's io_orientation, which takes the
 * nearest rotation first): the trainer takes argmax |A[i][j]| per column of the raw 3x3 and rejects repeated axes,
 * so oblique affines can map to different axes. The model was trained on the trainer's rule, so that is the one used.
 *
 * Arrays on the RAS grid are C-ordered like the network input (NCXYZ): index (x * ny + y) * nz + z, z fastest.
 * File volumes are x fastest (index x + y*nx + z*nx*ny), as readNifti returns them.
 */

export type Vec3 = [number, number, number];

export interface Orientation {
  /** perm[k] = the file voxel axis that becomes RAS axis k */
  perm: Vec3;
  /** flip[k]: RAS axis k runs against its file axis */
  flip: [boolean, boolean, boolean];
  /** mm per voxel along the RAS axes (affine column norms) */
  spacingRas: Vec3;
  /** the source axis codes, e.g. "LPS" */
  codes: string;
}

export interface Geometry {
  orientation: Orientation;
  fileDims: Vec3;
  rasShape: Vec3;
  /** inclusive / exclusive crop bounds in RAS voxel indices */
  cropLo: Vec3;
  cropHi: Vec3;
  resampledShape: Vec3;
}

const AXIS_CODES = [
  ['L', 'R'],
  ['P', 'A'],
  ['I', 'S'],
] as const;

/** `affine`: 16 numbers, row-major (readNifti's convention). Throws when two columns share a world axis. */
export function orientationFromAffine(affine: ArrayLike<number>): Orientation {
  const a = (i: number, j: number) => affine[i * 4 + j];
  const world = [0, 1, 2].map((j) => {
    let best = 0;
    for (let i = 1; i < 3; i++) if (Math.abs(a(i, j)) > Math.abs(a(best, j))) best = i; // first maximum, as np.argmax
    return best;
  });
  if (new Set(world).size !== 3)
    throw new Error(
      `affine is too oblique to reorient by permutes/flips: ${JSON.stringify([0, 1, 2].map((i) => [a(i, 0), a(i, 1), a(i, 2)]))}`,
    );
  const signs = world.map((w, j) => Math.sign(a(w, j)));
  const spacing = [0, 1, 2].map((j) => Math.hypot(a(0, j), a(1, j), a(2, j)));
  const perm = [0, 1, 2].map((k) => world.indexOf(k)) as Vec3;
  return {
    perm,
    flip: perm.map((j) => signs[j] < 0) as [boolean, boolean, boolean],
    spacingRas: perm.map((j) => spacing[j]) as Vec3,
    codes: world.map((w, j) => AXIS_CODES[w][signs[j] > 0 ? 1 : 0]).join(''),
  };
}

/** Spacings come from float32 headers; rounding to 1e-4 mm keeps the shape rule identical across readers. */
export const roundSpacing = (s: number) => Math.floor(s * 1e4 + 0.5) / 1e4;

/** Per axis: max(1, floor(n * round4(spacing) / target + 0.5)). */
export function targetShape(shape: Vec3, spacing: Vec3, target: Vec3): Vec3 {
  return shape.map((n, k) => Math.max(1, Math.floor((n * roundSpacing(spacing[k])) / target[k] + 0.5))) as Vec3;
}

export const rasShapeOf = (fileDims: Vec3, o: Orientation): Vec3 => o.perm.map((j) => fileDims[j]) as Vec3;

/**
 * Bounding box (inclusive, file voxel indices) of voxels where any channel is non-zero; null when all are zero.
 * Each row is scanned from both ends, so the brain's interior is never read.
 */
export function nonzeroBoxFile(volumes: VoxelArray[], dims: Vec3): { lo: Vec3; hi: Vec3 } | null {
  const [nx, ny, nz] = dims;
  const lo: Vec3 = [nx, ny, nz];
  const hi: Vec3 = [-1, -1, -1];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const base = (z * ny + y) * nx;
      let first = nx;
      let last = -1;
      for (const v of volumes) {
        let x = 0;
        while (x < first && v[base + x] === 0) x++;
        if (x < first) first = x;
        if (first === nx) continue; // this channel's row is empty
        x = nx - 1;
        while (x > last && v[base + x] === 0) x--;
        if (x > last) last = x;
      }
      if (last < 0) continue;
      if (first < lo[0]) lo[0] = first;
      if (last > hi[0]) hi[0] = last;
      if (y < lo[1]) lo[1] = y;
      if (y > hi[1]) hi[1] = y;
      if (z < lo[2]) lo[2] = z;
      if (z > hi[2]) hi[2] = z;
    }
  return hi[0] < 0 ? null : { lo, hi };
}

/** The file-space box as a RAS crop grown by `margin` and clamped (exclusive upper bounds). */
export function rasCrop(box: { lo: Vec3; hi: Vec3 }, fileDims: Vec3, o: Orientation, margin: number): { lo: Vec3; hi: Vec3 } {
  const lo = [0, 0, 0] as Vec3;
  const hi = [0, 0, 0] as Vec3;
  for (let k = 0; k < 3; k++) {
    const j = o.perm[k];
    const n = fileDims[j];
    const first = o.flip[k] ? n - 1 - box.hi[j] : box.lo[j];
    const last = o.flip[k] ? n - 1 - box.lo[j] : box.hi[j];
    lo[k] = Math.max(0, first - margin);
    hi[k] = Math.min(n, last + 1 + margin);
  }
  return { lo, hi };
}

/**
 * Walks the RAS crop in C order and yields the file index of each voxel through strides: the file index of RAS
 * voxel (lo + (a, b, c)) is base + a*step[0] + b*step[1] + c*step[2].
 */
export function rasToFileStrides(g: Pick<Geometry, 'orientation' | 'fileDims' | 'cropLo'>): { base: number; step: Vec3 } {
  const [nx, ny] = g.fileDims;
  const fileStride = [1, nx, nx * ny];
  const o = g.orientation;
  let base = 0;
  const step = [0, 0, 0] as Vec3;
  for (let k = 0; k < 3; k++) {
    const j = o.perm[k];
    const s = fileStride[j];
    if (o.flip[k]) {
      base += (g.fileDims[j] - 1 - g.cropLo[k]) * s;
      step[k] = -s;
    } else {
      base += g.cropLo[k] * s;
      step[k] = s;
    }
  }
  return { base, step };
}

export const cropShapeOf = (g: Pick<Geometry, 'cropLo' | 'cropHi'>): Vec3 => g.cropLo.map((l, k) => g.cropHi[k] - l) as Vec3;

/** The crop as an inclusive box of file voxel indices (where the pasted labels lie). */
export function cropFileBox(g: Pick<Geometry, 'orientation' | 'fileDims' | 'cropLo' | 'cropHi'>): { lo: Vec3; hi: Vec3 } {
  const lo = [0, 0, 0] as Vec3;
  const hi = [0, 0, 0] as Vec3;
  g.orientation.perm.forEach((j, k) => {
    const n = g.fileDims[j];
    lo[j] = g.orientation.flip[k] ? n - g.cropHi[k] : g.cropLo[k];
    hi[j] = g.orientation.flip[k] ? n - 1 - g.cropLo[k] : g.cropHi[k] - 1;
  });
  return { lo, hi };
}
