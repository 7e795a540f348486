import type { Box, Dims } from './types';

/**
 * The foreground of a binary mask as maximal runs along x, row by row (row r = y + z*ny). Tumour masks fill ~1% of
 * a brain volume, so every step after the one scan that builds the runs (components, dilation, matching, overlap
 * counts) costs in proportion to the runs, not to the 9 M voxels of a 240x240x155 grid.
 */
export interface Runs {
  dims: Dims;
  /** runs of row r are the indices [rowStart[r], rowStart[r + 1]) */
  rowStart: Int32Array;
  /** first and last x of each run (inclusive) */
  x0: Int32Array;
  x1: Int32Array;
  count: number;
}

/** Appends runs row by row in raster order; `endRow` must be called once per row. */
export class RunBuilder {
  private x0 = new Int32Array(256);
  private x1 = new Int32Array(256);
  private n = 0;
  private row = 0;
  private readonly rowStart: Int32Array;

  constructor(private readonly dims: Dims) {
    this.rowStart = new Int32Array(dims[1] * dims[2] + 1);
  }

  push(a: number, b: number): void {
    if (this.n === this.x0.length) {
      const g0 = new Int32Array(this.n * 2);
      const g1 = new Int32Array(this.n * 2);
      g0.set(this.x0);
      g1.set(this.x1);
      this.x0 = g0;
      this.x1 = g1;
    }
    this.x0[this.n] = a;
    this.x1[this.n++] = b;
  }

  endRow(): void {
    this.rowStart[++this.row] = this.n;
  }

  finish(): Runs {
    if (this.row !== this.rowStart.length - 1) throw new Error(`RunBuilder: ${this.row} rows ended, expected ${this.rowStart.length - 1}`);
    return { dims: this.dims, rowStart: this.rowStart, x0: this.x0.subarray(0, this.n), x1: this.x1.subarray(0, this.n), count: this.n };
  }
}

/**
 * Runs of the nonzero voxels of a dense mask. With `box` (inclusive voxel indices) only the rows and columns inside
 * it are read: the caller knows the mask is empty outside (e.g. a prediction outside its crop).
 */
export function runsFromMask(mask: ArrayLike<number>, dims: Dims, box?: { lo: Dims; hi: Dims }): Runs {
  const [nx, ny, nz] = dims;
  if (mask.length !== nx * ny * nz) throw new Error(`mask has ${mask.length} voxels, dims ${dims.join('x')} need ${nx * ny * nz}`);
  const [x0, y0, z0] = box?.lo ?? [0, 0, 0];
  const [x1, y1, z1] = box?.hi ?? [nx - 1, ny - 1, nz - 1];
  const b = new RunBuilder(dims);
  for (let row = 0, base = 0; row < ny * nz; row++, base += nx) {
    const y = row % ny;
    const z = (row - y) / ny;
    if (y >= y0 && y <= y1 && z >= z0 && z <= z1) {
      let start = -1;
      for (let x = x0; x <= x1; x++) {
        if (mask[base + x] !== 0) {
          if (start < 0) start = x;
        } else if (start >= 0) {
          b.push(start, x - 1);
          start = -1;
        }
      }
      if (start >= 0) b.push(start, x1);
    }
    b.endRow();
  }
  return b.finish();
}

export function runVoxels(runs: Runs): number {
  let n = 0;
  for (let i = 0; i < runs.count; i++) n += runs.x1[i] - runs.x0[i] + 1;
  return n;
}

/** Bounding box of all runs; null when there are none. */
export function runsBox(runs: Runs): Box | null {
  const ny = runs.dims[1];
  let box: Box | null = null;
  for (let r = 0; r + 1 < runs.rowStart.length; r++) {
    if (runs.rowStart[r] === runs.rowStart[r + 1]) continue;
    const y = r % ny;
    const z = (r - y) / ny;
    for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) {
      if (!box) box = { min: [runs.x0[i], y, z], max: [runs.x1[i], y, z] };
      else {
        if (runs.x0[i] < box.min[0]) box.min[0] = runs.x0[i];
        if (runs.x1[i] > box.max[0]) box.max[0] = runs.x1[i];
        if (y < box.min[1]) box.min[1] = y;
        if (y > box.max[1]) box.max[1] = y;
        box.max[2] = z; // rows come in increasing z
      }
    }
  }
  return box;
}

export function boxDims(box: Box): [number, number, number] {
  return [box.max[0] - box.min[0] + 1, box.max[1] - box.min[1] + 1, box.max[2] - box.min[2] + 1];
}

/** Writes 1 into `out` (a dense grid covering `box`) for every voxel of the selected runs. */
export function paintRuns(runs: Runs, box: Box, out: Uint8Array, keep?: (run: number) => boolean): void {
  const ny = runs.dims[1];
  const [bx, by] = boxDims(box);
  const zLo = box.min[2];
  const zHi = box.max[2];
  for (let z = zLo; z <= zHi; z++)
    for (let y = box.min[1]; y <= box.max[1]; y++) {
      const r = y + z * ny;
      const base = (y - box.min[1]) * bx + (z - zLo) * bx * by - box.min[0];
      for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) {
        if (keep && !keep(i)) continue;
        const a = Math.max(runs.x0[i], box.min[0]);
        const b = Math.min(runs.x1[i], box.max[0]);
        if (a <= b) out.fill(1, base + a, base + b + 1);
      }
    }
}

/**
 * Calls `visit(i, j, overlap)` for every pair of runs of `a` and `b` in the same row whose x-ranges intersect,
 * with the number of shared voxels. Both run lists must share dims.
 */
export function forEachOverlap(a: Runs, b: Runs, visit: (i: number, j: number, overlap: number) => void): void {
  for (let r = 0; r + 1 < a.rowStart.length; r++) {
    let i = a.rowStart[r];
    let j = b.rowStart[r];
    const iEnd = a.rowStart[r + 1];
    const jEnd = b.rowStart[r + 1];
    while (i < iEnd && j < jEnd) {
      const lo = Math.max(a.x0[i], b.x0[j]);
      const hi = Math.min(a.x1[i], b.x1[j]);
      if (lo <= hi) visit(i, j, hi - lo + 1);
      if (a.x1[i] < b.x1[j]) i++;
      else j++;
    }
  }
}
