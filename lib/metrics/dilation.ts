import { RunBuilder, runsBox, runsFromMask, type Runs } from './runs';
import type { Dims } from './types';

/**
 * Binary dilation by `iterations` passes of the 18-connected 3x3x3 structuring element (scipy's
 * generate_binary_structure(3, 2), as the BraTS 2023 code uses), clipped to the grid like scipy's border_value=0.
 *
 * k passes reach exactly the offsets with max(|dx|,|dy|,|dz|) <= k and |dx|+|dy|+|dz| <= 2k, and every such offset
 * is reachable through in-grid voxels (the steps can be ordered monotonically per axis), so the result is one
 * Minkowski sum: each run of row (y, z) widens by min(k, 2k - |dy| - |dz|) in the row (y + dy, z + dz).
 */
export function dilateRuns(runs: Runs, iterations: number): Runs {
  const k = iterations;
  if (k === 0) return runs;
  const [nx, ny, nz] = runs.dims;
  const out = new RunBuilder(runs.dims);
  const box = runsBox(runs);
  // Row offsets (dy, dz) a run reaches, and how far it widens along x there.
  const dys: number[] = [];
  const dzs: number[] = [];
  const widen: number[] = [];
  for (let dz = -k; dz <= k; dz++)
    for (let dy = -k; dy <= k; dy++) {
      const e = Math.min(k, 2 * k - Math.abs(dy) - Math.abs(dz));
      if (e < 0) continue;
      dys.push(dy);
      dzs.push(dz);
      widen.push(e);
    }
  // Each target row pulls the widened runs of its source rows into a coverage difference array, then one sweep
  // over the covered x-range emits maximal runs: no sorting, and overlapping intervals cost nothing extra.
  const diff = new Int32Array(nx + 1);
  for (let tz = 0; tz < nz; tz++)
    for (let ty = 0; ty < ny; ty++) {
      if (!box || tz < box.min[2] - k || tz > box.max[2] + k || ty < box.min[1] - k || ty > box.max[1] + k) {
        out.endRow();
        continue;
      }
      let lo = nx;
      let hi = -1;
      for (let o = 0; o < dys.length; o++) {
        const sy = ty - dys[o];
        const sz = tz - dzs[o];
        if (sy < 0 || sy >= ny || sz < 0 || sz >= nz) continue;
        const src = sy + sz * ny;
        const e = widen[o];
        for (let i = runs.rowStart[src]; i < runs.rowStart[src + 1]; i++) {
          const l = runs.x0[i] - e < 0 ? 0 : runs.x0[i] - e;
          const h = runs.x1[i] + e >= nx ? nx - 1 : runs.x1[i] + e;
          diff[l]++;
          diff[h + 1]--;
          if (l < lo) lo = l;
          if (h > hi) hi = h;
        }
      }
      let cover = 0;
      let runStart = -1;
      for (let x = lo; x <= hi + 1; x++) {
        cover += diff[x];
        diff[x] = 0;
        if (cover > 0) {
          if (runStart < 0) runStart = x;
        } else if (runStart >= 0) {
          out.push(runStart, x - 1);
          runStart = -1;
        }
      }
      out.endRow();
    }
  return out.finish();
}

/** Dense convenience wrapper: dilation of the nonzero voxels of `mask`, as 0/1. */
export function dilate18(mask: ArrayLike<number>, dims: Dims, iterations: number): Uint8Array {
  const runs = dilateRuns(runsFromMask(mask, dims), iterations);
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const nx = dims[0];
  for (let r = 0; r + 1 < runs.rowStart.length; r++)
    for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) out.fill(1, r * nx + runs.x0[i], r * nx + runs.x1[i] + 1);
  return out;
}
