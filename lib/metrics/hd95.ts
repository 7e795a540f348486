import { robustHausdorff, surfaceDistancesCropped, type SurfaceDistances } from './surface';
import type { Dims, Spacing } from './types';

/** Bounding box of the nonzero voxels of a or b, or null when both are empty. */
function unionBox(a: ArrayLike<number>, b: ArrayLike<number>, dims: Dims): [number, number, number, number, number, number] | null {
  const [nx, ny, nz] = dims;
  let x0 = nx,
    y0 = ny,
    z0 = nz,
    x1 = -1,
    y1 = -1,
    z1 = -1;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++)
        if (a[i] !== 0 || b[i] !== 0) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
          if (z < z0) z0 = z;
          z1 = z;
        }
  return x1 < 0 ? null : [x0, y0, z0, x1, y1, z1];
}

/**
 * Surface distances (see surface.ts) between the nonzero voxels of two masks on the same grid. Crops to the
 * bounding box of their union first, as DeepMind's compute_surface_distances does.
 */
export function surfaceDistances(a: ArrayLike<number>, b: ArrayLike<number>, dims: Dims, spacing: Spacing): SurfaceDistances {
  const n = dims[0] * dims[1] * dims[2];
  if (a.length !== n || b.length !== n) throw new Error(`masks have ${a.length} and ${b.length} voxels, dims need ${n}`);
  const box = unionBox(a, b, dims);
  if (!box) {
    const none = { dist: new Float64Array(0), codes: new Uint8Array(0) };
    return { aToB: none.dist, codesA: none.codes, bToA: none.dist, codesB: none.codes, spacing };
  }
  const [x0, y0, z0, x1, y1, z1] = box;
  const sub: Dims = [x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1];
  const ca = new Uint8Array(sub[0] * sub[1] * sub[2]);
  const cb = new Uint8Array(ca.length);
  for (let z = z0, o = 0; z <= z1; z++)
    for (let y = y0; y <= y1; y++)
      for (let x = x0, i = x0 + y * dims[0] + z * dims[0] * dims[1]; x <= x1; x++, i++, o++) {
        ca[o] = a[i] !== 0 ? 1 : 0;
        cb[o] = b[i] !== 0 ? 1 : 0;
      }
  return surfaceDistancesCropped(ca, cb, sub, spacing);
}

/**
 * 95th-percentile Hausdorff distance in mm, DeepMind's definition (surfels on voxel corners, area-weighted
 * percentile, maximum of both directions). Raw value: Infinity when either mask is empty, both empty included;
 * evaluateCase applies the BraTS substitutions (0 when both are empty, 374 for Infinity).
 */
export function hd95(a: ArrayLike<number>, b: ArrayLike<number>, dims: Dims, spacing: Spacing, percent = 95): number {
  return robustHausdorff(surfaceDistances(a, b, dims, spacing), percent);
}
