import 'server-only';
import { labelRuns } from '@/lib/metrics/components';
import { RunBuilder } from '@/lib/metrics/runs';
import type { Vec3 } from './geometry';

/** Per-case numbers derived from a product-convention mask (1 NCR, 2 ED, 3 ET), as the trainer's metrics.py. */

export type SubregionVolumes = { NCR: number; ED: number; ET: number; TC: number; WT: number };
export type ComponentCounts = { WT: number; TC: number; ET: number };

const REGIONS: Record<keyof ComponentCounts, number[]> = { WT: [1, 2, 3], TC: [1, 3], ET: [3] };

/** mL per voxel: the product of the affine's column norms (metrics.py uses the same, not pixdim). */
export function voxelMl(affine: ArrayLike<number>): number {
  let v = 1;
  for (let j = 0; j < 3; j++) v *= Math.hypot(affine[j], affine[4 + j], affine[8 + j]);
  return v / 1000;
}

/** labelCounts[v] = voxels with label v. */
export function subregionVolumes(labelCounts: number[], mlPerVoxel: number): SubregionVolumes {
  const n = (v: number) => labelCounts[v] ?? 0;
  return {
    NCR: n(1) * mlPerVoxel,
    ED: n(2) * mlPerVoxel,
    ET: n(3) * mlPerVoxel,
    TC: (n(1) + n(3)) * mlPerVoxel,
    WT: (n(1) + n(2) + n(3)) * mlPerVoxel,
  };
}

/**
 * 26-connected components of the WT, TC and ET regions (cc3d connectivity=26 in the trainer), through the run-length
 * labelling of lib/metrics/components.ts. One scan of the mask builds the three regions' runs together.
 */
export function componentCounts(mask: Uint8Array, dims: Vec3, box?: { lo: Vec3; hi: Vec3 }): ComponentCounts {
  const [nx, ny, nz] = dims;
  // Only rows and columns inside `box` (inclusive, file voxel indices; the whole grid by default) are read.
  const lo = box?.lo ?? [0, 0, 0];
  const hi = box?.hi ?? [nx - 1, ny - 1, nz - 1];
  const names = Object.keys(REGIONS) as (keyof ComponentCounts)[];
  const member = names.map((r) => {
    const lut = new Uint8Array(256);
    for (const v of REGIONS[r]) lut[v] = 1;
    return lut;
  });
  const builders = names.map(() => new RunBuilder(dims));
  const start = new Int32Array(names.length);
  for (let row = 0, base = 0; row < ny * nz; row++, base += nx) {
    const y = row % ny;
    const z = (row - y) / ny;
    if (y < lo[1] || y > hi[1] || z < lo[2] || z > hi[2]) {
      for (const b of builders) b.endRow();
      continue;
    }
    start.fill(-1);
    let open = 0; // runs currently open: background with none open (most of a brain) costs one comparison
    for (let x = lo[0]; x <= hi[0] + 1; x++) {
      const v = x <= hi[0] ? mask[base + x] : 0;
      if (v === 0 && open === 0) continue;
      for (let r = 0; r < names.length; r++) {
        const inside = member[r][v] === 1;
        if (inside && start[r] < 0) {
          start[r] = x;
          open++;
        } else if (!inside && start[r] >= 0) {
          builders[r].push(start[r], x - 1);
          start[r] = -1;
          open--;
        }
      }
    }
    for (const b of builders) b.endRow();
  }
  const out = {} as ComponentCounts;
  names.forEach((r, i) => (out[r] = labelRuns(builders[i].finish()).count));
  return out;
}
