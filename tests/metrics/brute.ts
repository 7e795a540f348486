/**
 * Brute-force versions of the lib/metrics algorithms, written straight from the definitions (quadratic or worse),
 * for property tests on small random volumes.
 */
import { seededRng } from '@/lib/metrics/bootstrap';
import { pairwiseSum } from '@/lib/metrics/percentile';
import { surfelAreas } from '@/lib/metrics/surface';
import type { Dims, Spacing } from '@/lib/metrics/types';

export const idx = (dims: Dims, x: number, y: number, z: number) => x + y * dims[0] + z * dims[0] * dims[1];
const inside = (dims: Dims, x: number, y: number, z: number) => x >= 0 && y >= 0 && z >= 0 && x < dims[0] && y < dims[1] && z < dims[2];

/** Random 0/1 volume: scattered voxels plus a few boxes, so that components of many shapes and sizes occur. */
export function randomMask(dims: Dims, seed: number, density = 0.08, boxes = 3): Uint8Array {
  const rng = seededRng(seed);
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < m.length; i++) if (rng() < density) m[i] = 1;
  for (let b = 0; b < boxes; b++) {
    const lo = dims.map((d) => Math.floor(rng() * d));
    const size = dims.map((d) => 1 + Math.floor(rng() * Math.max(1, d / 3)));
    for (let z = lo[2]; z < Math.min(dims[2], lo[2] + size[2]); z++)
      for (let y = lo[1]; y < Math.min(dims[1], lo[1] + size[1]); y++)
        for (let x = lo[0]; x < Math.min(dims[0], lo[0] + size[0]); x++) m[idx(dims, x, y, z)] = 1;
  }
  return m;
}

/** 26-connected labelling by breadth-first flood fill, seeds in raster order. */
export function bruteComponents26(mask: ArrayLike<number>, dims: Dims): { labels: Int32Array; count: number } {
  const labels = new Int32Array(mask.length);
  let count = 0;
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++) {
        if (!mask[idx(dims, x, y, z)] || labels[idx(dims, x, y, z)]) continue;
        labels[idx(dims, x, y, z)] = ++count;
        const queue = [[x, y, z]];
        while (queue.length) {
          const [cx, cy, cz] = queue.pop()!;
          for (let dz = -1; dz <= 1; dz++)
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const [nx, ny, nz] = [cx + dx, cy + dy, cz + dz];
                if (!inside(dims, nx, ny, nz)) continue;
                const j = idx(dims, nx, ny, nz);
                if (mask[j] && !labels[j]) {
                  labels[j] = count;
                  queue.push([nx, ny, nz]);
                }
              }
        }
      }
  return { labels, count };
}

/** `iterations` passes of dilation by the 18-neighbourhood (3x3x3 without corners), clipped to the grid. */
export function bruteDilate18(mask: ArrayLike<number>, dims: Dims, iterations: number): Uint8Array {
  let cur = Uint8Array.from(mask, (v) => (v ? 1 : 0));
  for (let it = 0; it < iterations; it++) {
    const next = cur.slice();
    for (let z = 0; z < dims[2]; z++)
      for (let y = 0; y < dims[1]; y++)
        for (let x = 0; x < dims[0]; x++) {
          if (!cur[idx(dims, x, y, z)]) continue;
          for (let dz = -1; dz <= 1; dz++)
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++)
                if (Math.abs(dx) + Math.abs(dy) + Math.abs(dz) <= 2 && inside(dims, x + dx, y + dy, z + dz))
                  next[idx(dims, x + dx, y + dy, z + dz)] = 1;
        }
    cur = next;
  }
  return cur;
}

/** Squared distance (mm^2) from every voxel to every feature voxel, minimum taken; Infinity without features. */
export function bruteSquaredEdt(features: ArrayLike<number>, dims: Dims, s: Spacing): Float64Array {
  const pts: number[][] = [];
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) if (features[idx(dims, x, y, z)]) pts.push([x, y, z]);
  const out = new Float64Array(features.length).fill(Infinity);
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++)
        for (const [px, py, pz] of pts) {
          const d = ((x - px) * s[0]) ** 2 + ((y - py) * s[1]) ** 2 + ((z - pz) * s[2]) ** 2;
          if (d < out[idx(dims, x, y, z)]) out[idx(dims, x, y, z)] = d;
        }
  return out;
}

/** Neighbour code of every corner straight from the definition: 8 lookups per corner. */
export function bruteCodes(mask: ArrayLike<number>, dims: Dims): Uint8Array {
  const cd: Dims = [dims[0] + 1, dims[1] + 1, dims[2] + 1];
  const out = new Uint8Array(cd[0] * cd[1] * cd[2]);
  for (let k = 0; k < cd[2]; k++)
    for (let j = 0; j < cd[1]; j++)
      for (let i = 0; i < cd[0]; i++) {
        let code = 0;
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++)
            for (let c = 0; c < 2; c++) {
              const [x, y, z] = [i - 1 + a, j - 1 + b, k - 1 + c];
              if (inside(dims, x, y, z) && mask[idx(dims, x, y, z)]) code |= 1 << (7 - (4 * a + 2 * b + c));
            }
        out[idx(cd, i, j, k)] = code;
      }
  return out;
}

/**
 * HD95 by the DeepMind definition, naively: corner codes on the whole grid (plus one), surfels, all-pairs nearest
 * distances, comparison sort by (distance, area), cumulative fraction, first index reaching percent/100.
 */
export function bruteHd95(a: ArrayLike<number>, b: ArrayLike<number>, dims: Dims, s: Spacing, percent = 95): number {
  const cd: Dims = [dims[0] + 1, dims[1] + 1, dims[2] + 1];
  const areas = surfelAreas(s);
  const surfels = (codes: Uint8Array) => {
    const out: { p: number[]; area: number }[] = [];
    for (let k = 0; k < cd[2]; k++)
      for (let j = 0; j < cd[1]; j++)
        for (let i = 0; i < cd[0]; i++) {
          const c = codes[idx(cd, i, j, k)];
          if (c !== 0 && c !== 255) out.push({ p: [i, j, k], area: areas[c] });
        }
    return out;
  };
  const sa = surfels(bruteCodes(a, dims));
  const sb = surfels(bruteCodes(b, dims));
  const directed = (from: typeof sa, to: typeof sa) => {
    if (from.length === 0) return Infinity;
    const rows = from.map(({ p, area }) => {
      let best = Infinity;
      for (const { p: q } of to) {
        const d = ((p[0] - q[0]) * s[0]) ** 2 + ((p[1] - q[1]) * s[1]) ** 2 + ((p[2] - q[2]) * s[2]) ** 2;
        if (d < best) best = d;
      }
      return { d: Math.sqrt(best), area };
    });
    rows.sort((u, v) => (u.d === v.d ? u.area - v.area : u.d < v.d ? -1 : 1));
    const seq = Float64Array.from(rows, (r) => r.area);
    const total = pairwiseSum(seq);
    let cum = 0;
    for (let i = 0; i < rows.length; i++) if ((cum += seq[i]) / total >= percent / 100) return rows[i].d;
    return rows[rows.length - 1].d;
  };
  return Math.max(directed(sa, sb), directed(sb, sa));
}
