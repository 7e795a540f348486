/**
 * A radiologist's correction, simulated: the generator's ground truth with the small boundary disagreement two
 * readers always have. A seeded share of the boundary voxels (voxels with a differently labelled 6-neighbour) takes
 * the label of one of those neighbours, i.e. the contour moves by one voxel there, in or out. Pure and seeded.
 */
import { createHash } from 'node:crypto';

export type Dims = [number, number, number];

/** mulberry32: a small, fast, seeded generator (quality is ample for picking voxels). */
export function rngFrom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EditResult {
  mask: Uint8Array;
  boundaryVoxels: number;
  changedVoxels: number;
}

/**
 * Moves the contour by one voxel at a share `rate` of the boundary voxels. Decisions are taken on the input mask
 * (never on voxels already changed), so the result does not depend on the scan order beyond the seed.
 */
export function boundaryNoise(truth: Uint8Array, dims: Dims, seed: string, rate: number): EditResult {
  const [nx, ny, nz] = dims;
  if (truth.length !== nx * ny * nz) throw new Error(`mask has ${truth.length} voxels, dims say ${nx * ny * nz}`);
  const out = Uint8Array.from(truth);
  const rand = rngFrom(seed);
  const steps = [1, -1, nx, -nx, nx * ny, -nx * ny];
  const differing: number[] = [];
  let boundary = 0;
  let changed = 0;
  for (let z = 1; z < nz - 1; z++) {
    for (let y = 1; y < ny - 1; y++) {
      let i = 1 + y * nx + z * nx * ny;
      for (let x = 1; x < nx - 1; x++, i++) {
        const v = truth[i];
        differing.length = 0;
        for (const s of steps) {
          const w = truth[i + s];
          if (w !== v) differing.push(w);
        }
        // Background voxels touching only background are not boundary; any voxel next to a different label is.
        if (differing.length === 0) continue;
        boundary++;
        if (rand() >= rate) continue;
        out[i] = differing[Math.floor(rand() * differing.length)];
        changed++;
      }
    }
  }
  return { mask: out, boundaryVoxels: boundary, changedVoxels: changed };
}
