import 'server-only';
import { CLASS } from './types';

// Module-level copies: the transpiled module exposes imports through getters, far too slow inside voxel loops.
const { ED, ET, NCR } = CLASS;

const isTumour = (c: number) => c === NCR || c === ET || c === ED;
const isCore = (c: number) => c === NCR || c === ET;

/**
 * Makes the label topology what a rater would draw: oedema islands that noise cut off from every core go back to their
 * healthy tissue, and (when the lesions enhance) necrosis never touches anything but the enhancing rim: a steep shape
 * field can otherwise jump over a rim thinner than a voxel.
 */
export function tidyLesions(cls: Uint8Array, healthy: Uint8Array, dims: [number, number, number], enhancing: boolean): void {
  dropCorelessOedema(cls, healthy, dims);
  if (enhancing) closeRims(cls, dims);
}

function neighbours(i: number, dims: [number, number, number], out: number[]): number {
  const [nx, ny, nz] = dims;
  const x = i % nx,
    y = Math.floor(i / nx) % ny,
    z = Math.floor(i / (nx * ny));
  let n = 0;
  if (x > 0) out[n++] = i - 1;
  if (x < nx - 1) out[n++] = i + 1;
  if (y > 0) out[n++] = i - nx;
  if (y < ny - 1) out[n++] = i + nx;
  if (z > 0) out[n++] = i - nx * ny;
  if (z < nz - 1) out[n++] = i + nx * ny;
  return n;
}

function dropCorelessOedema(cls: Uint8Array, healthy: Uint8Array, dims: [number, number, number]): void {
  const seen = new Uint8Array(cls.length);
  const nb = new Array<number>(6);
  for (let s = 0; s < cls.length; s++) {
    if (seen[s] || !isTumour(cls[s])) continue;
    const members: number[] = [s];
    seen[s] = 1;
    let hasCore = false;
    for (let m = 0; m < members.length; m++) {
      const i = members[m];
      if (isCore(cls[i])) hasCore = true;
      const n = neighbours(i, dims, nb);
      for (let q = 0; q < n; q++) {
        const j = nb[q];
        if (!seen[j] && isTumour(cls[j])) {
          seen[j] = 1;
          members.push(j);
        }
      }
    }
    if (!hasCore) for (const i of members) cls[i] = healthy[i];
  }
}

function closeRims(cls: Uint8Array, dims: [number, number, number]): void {
  const nb = new Array<number>(6);
  const promote: number[] = [];
  for (let i = 0; i < cls.length; i++) {
    if (cls[i] !== NCR) continue;
    const n = neighbours(i, dims, nb);
    for (let q = 0; q < n; q++)
      if (!isCore(cls[nb[q]])) {
        promote.push(i);
        break;
      }
  }
  for (const i of promote) cls[i] = ET;
}
