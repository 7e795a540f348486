import { squaredEdt } from './edt';
import { weightedPercentileOfRanks } from './percentile';
import { SURFEL_NORMALS_X8 } from './surfelTable';
import type { Dims, Spacing } from './types';

/**
 * Surface distances as DeepMind's surface-distance package computes them (the BraTS 2023 code vendors it):
 * the surface lives on the voxel corners. Each corner gets the 8-bit code of its 2x2x2 voxel neighbourhood; corners
 * whose code is neither 0 nor 255 are surface points ("surfels"), weighted by the marching-cubes surface area of
 * their code. Distances are exact Euclidean distances (mm) between surfels of one mask and those of the other.
 */
export interface SurfaceDistances {
  /** distance (mm) from each surfel of A to the nearest surfel of B, Infinity when B has none */
  aToB: Float64Array;
  codesA: Uint8Array;
  bToA: Float64Array;
  codesB: Uint8Array;
  /** the voxel spacing the distances are in; surfel areas follow from it (see surfelAreas) */
  spacing: Spacing;
}

interface AreaTable {
  areaByCode: Float64Array;
  /** distinct areas in increasing order and the rank of each code's area among them */
  distinct: Float64Array;
  rankOfCode: Uint8Array;
}

const areaTables = new Map<string, AreaTable>();

/** Surfel area of each of the 256 neighbour codes: sum over its triangles of |(nx*sy*sz, ny*sx*sz, nz*sx*sy)|. */
export function surfelAreas(spacing: Spacing): Float64Array {
  return areaTable(spacing).areaByCode;
}

function areaTable(spacing: Spacing): AreaTable {
  const key = spacing.join(',');
  const cached = areaTables.get(key);
  if (cached) return cached;
  const [s0, s1, s2] = spacing;
  const areaByCode = new Float64Array(256);
  SURFEL_NORMALS_X8.forEach((entry, code) => {
    let total = 0;
    for (const tri of entry ? entry.split('.') : []) {
      const n0 = (Number(tri[0]) / 8) * s1 * s2;
      const n1 = (Number(tri[1]) / 8) * s0 * s2;
      const n2 = (Number(tri[2]) / 8) * s0 * s1;
      total += Math.sqrt(n0 * n0 + n1 * n1 + n2 * n2);
    }
    areaByCode[code] = total;
  });
  const distinct = Float64Array.from(new Set(areaByCode)).sort();
  const rankOfCode = new Uint8Array(256);
  for (let c = 0; c < 256; c++) rankOfCode[c] = distinct.indexOf(areaByCode[c]);
  const table = { areaByCode, distinct, rankOfCode };
  areaTables.set(key, table);
  return table;
}

/**
 * 8-bit neighbourhood code of every voxel corner of a 0/1 mask. The corner grid is one larger than `dims` on each
 * axis; corner (i, j, k) sees voxels (i-1..i, j-1..j, k-1..k), voxel (i-1+a, j-1+b, k-1+c) contributing bit
 * 7 - (4a + 2b + c), outside voxels counting as 0 (DeepMind's correlation with [[[128,64],[32,16]],[[8,4],[2,1]]]).
 */
export function neighbourCodes(mask: Uint8Array, dims: Dims): Uint8Array {
  return surfels(mask, dims).code;
}

interface Surfels {
  /** code of every corner */
  code: Uint8Array;
  /** corner indices whose code is neither 0 nor 255, increasing */
  index: Int32Array;
}

/**
 * Corner codes and surfel list in one sweep over corner rows (j, k): the four voxel rows (j-1|j, k-1|k) give each x
 * a 4-bit (y, z) code, and a corner's code is the codes of x-1 and x side by side. Rows whose four voxel rows are
 * empty are skipped: their codes stay 0.
 */
function surfels(mask: Uint8Array, dims: Dims): Surfels {
  const [nx, ny, nz] = dims;
  const cx = nx + 1;
  const code = new Uint8Array(cx * (ny + 1) * (nz + 1));
  const rowAny = new Uint8Array((ny + 2) * (nz + 2)); // padded by one on each side: (y + 1) + (z + 1) * (ny + 2)
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const base = (y + z * ny) * nx;
      for (let x = 0; x < nx; x++)
        if (mask[base + x]) {
          rowAny[y + 1 + (z + 1) * (ny + 2)] = 1;
          break;
        }
    }
  const yz = new Uint8Array(nx);
  let index = new Int32Array(1024);
  let count = 0;
  for (let k = 0; k <= nz; k++)
    for (let j = 0; j <= ny; j++) {
      // voxel rows (j-1, k-1), (j-1, k), (j, k-1), (j, k) in padded row coordinates
      const r00 = j + k * (ny + 2);
      const r01 = r00 + ny + 2;
      if (!(rowAny[r00] | rowAny[r01] | rowAny[r00 + 1] | rowAny[r01 + 1])) continue;
      const b00 = rowAny[r00] ? (j - 1 + (k - 1) * ny) * nx : -1;
      const b01 = rowAny[r01] ? (j - 1 + k * ny) * nx : -1;
      const b10 = rowAny[r00 + 1] ? (j + (k - 1) * ny) * nx : -1;
      const b11 = rowAny[r01 + 1] ? (j + k * ny) * nx : -1;
      for (let x = 0; x < nx; x++)
        yz[x] =
          (b00 >= 0 ? mask[b00 + x] << 3 : 0) |
          (b01 >= 0 ? mask[b01 + x] << 2 : 0) |
          (b10 >= 0 ? mask[b10 + x] << 1 : 0) |
          (b11 >= 0 ? mask[b11 + x] : 0);
      const row = (j + k * (ny + 1)) * cx;
      let prev = 0;
      for (let i = 0; i <= nx; i++) {
        const cur = i < nx ? yz[i] : 0;
        const c = (prev << 4) | cur;
        prev = cur;
        if (c === 0) continue;
        code[row + i] = c;
        if (c === 255) continue;
        if (count === index.length) {
          const grown = new Int32Array(count * 2);
          grown.set(index);
          index = grown;
        }
        index[count++] = row + i;
      }
    }
  return { code, index: index.subarray(0, count) };
}

/** Distances from the surfels of `from` to the nearest surfel of `to` (Infinity when `to` has none). */
function directed(from: Surfels, to: Surfels, cornerDims: Dims, spacing: Spacing): { dist: Float64Array; codes: Uint8Array } {
  const n = from.index.length;
  const dist = new Float64Array(n).fill(Infinity);
  const codes = new Uint8Array(n);
  for (let s = 0; s < n; s++) codes[s] = from.code[from.index[s]];
  if (to.index.length === 0) return { dist, codes };
  const features = new Uint8Array(from.code.length);
  for (const i of to.index) features[i] = 1;
  const dt = squaredEdt(features, cornerDims, spacing);
  for (let s = 0; s < n; s++) dist[s] = Math.sqrt(dt[from.index[s]]);
  return { dist, codes };
}

/**
 * Surface distances between two 0/1 masks that share a grid. Pass masks already cropped to the bounding box of
 * their union (as lib/metrics does): the corner grid then spans exactly the box DeepMind's code crops to.
 */
export function surfaceDistancesCropped(a: Uint8Array, b: Uint8Array, dims: Dims, spacing: Spacing): SurfaceDistances {
  const cornerDims: Dims = [dims[0] + 1, dims[1] + 1, dims[2] + 1];
  const sa = surfels(a, dims);
  const sb = surfels(b, dims);
  const ab = directed(sa, sb, cornerDims, spacing);
  const ba = directed(sb, sa, cornerDims, spacing);
  return { aToB: ab.dist, codesA: ab.codes, bToA: ba.dist, codesB: ba.codes, spacing };
}

/**
 * DeepMind's compute_robust_hausdorff: in each direction, the distance at which the area-weighted cumulative
 * fraction of surfels (ordered by distance, then area) first reaches percent/100; the larger of the two.
 * Infinity when either mask has no surface.
 */
export function robustHausdorff(sd: SurfaceDistances, percent = 95): number {
  const table = areaTable(sd.spacing);
  const q = percent / 100;
  const ab = sd.aToB.length ? weightedPercentileOfRanks(sd.aToB, sd.codesA, table.rankOfCode, table.distinct, q) : Infinity;
  const ba = sd.bToA.length ? weightedPercentileOfRanks(sd.bToA, sd.codesB, table.rankOfCode, table.distinct, q) : Infinity;
  return Math.max(ab, ba);
}
