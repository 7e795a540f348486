import { runsFromMask, type Runs } from './runs';
import type { Box, Dims } from './types';

/** 26-connected components of a run set. Component ids are 1-based, in raster order of each component's first voxel. */
export interface RunComponents {
  count: number;
  /** component id of each run */
  runLabel: Int32Array;
  /** indexed by component id (index 0 unused) */
  voxels: Float64Array;
  /** sums of x, y, z over the component's voxels, 3 per id, for centroids */
  coordSums: Float64Array;
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** Union keeping the smaller index as root, so each root is its component's first run in raster order. */
function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** Joins runs of row r with those of row q that touch under 26-connectivity (x-ranges within one voxel). */
function linkRows(runs: Runs, parent: Int32Array, r: number, q: number): void {
  let i = runs.rowStart[r];
  let j = runs.rowStart[q];
  const iEnd = runs.rowStart[r + 1];
  const jEnd = runs.rowStart[q + 1];
  const { x0, x1 } = runs;
  while (i < iEnd && j < jEnd) {
    if (x1[j] < x0[i] - 1) j++;
    else if (x1[i] < x0[j] - 1) i++;
    else {
      union(parent, i, j);
      if (x1[i] < x1[j]) i++;
      else j++;
    }
  }
}

/**
 * Labels 26-connected components. Two runs are connected when they lie in rows whose (y, z) differ by at most one
 * each and their x-ranges overlap after widening by one voxel; only the four earlier neighbour rows are visited.
 */
export function labelRuns(runs: Runs): RunComponents {
  const [, ny, nz] = runs.dims;
  const parent = new Int32Array(runs.count);
  for (let i = 0; i < runs.count; i++) parent[i] = i;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      const r = y + z * ny;
      if (runs.rowStart[r] === runs.rowStart[r + 1]) continue;
      if (y > 0) linkRows(runs, parent, r, r - 1);
      if (z > 0) {
        const below = r - ny;
        if (y > 0) linkRows(runs, parent, r, below - 1);
        linkRows(runs, parent, r, below);
        if (y < ny - 1) linkRows(runs, parent, r, below + 1);
      }
    }
  return numberComponents(runs, parent);
}

function numberComponents(runs: Runs, parent: Int32Array): RunComponents {
  const ny = runs.dims[1];
  const runLabel = new Int32Array(runs.count);
  let count = 0;
  for (let i = 0; i < runs.count; i++) {
    const root = find(parent, i);
    runLabel[i] = root === i ? ++count : runLabel[root];
  }
  const voxels = new Float64Array(count + 1);
  const coordSums = new Float64Array(3 * (count + 1));
  for (let r = 0; r + 1 < runs.rowStart.length; r++) {
    const y = r % ny;
    const z = (r - y) / ny;
    for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) {
      const c = runLabel[i];
      const len = runs.x1[i] - runs.x0[i] + 1;
      voxels[c] += len;
      coordSums[3 * c] += ((runs.x0[i] + runs.x1[i]) * len) / 2;
      coordSums[3 * c + 1] += y * len;
      coordSums[3 * c + 2] += z * len;
    }
  }
  return { count, runLabel, voxels, coordSums };
}

/** Bounding box of every component (index 0 unused). */
export function componentBoxes(runs: Runs, comps: RunComponents): Box[] {
  const ny = runs.dims[1];
  const boxes: Box[] = new Array(comps.count + 1);
  for (let r = 0; r + 1 < runs.rowStart.length; r++) {
    const y = r % ny;
    const z = (r - y) / ny;
    for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) {
      const c = comps.runLabel[i];
      const b = boxes[c];
      if (!b) boxes[c] = { min: [runs.x0[i], y, z], max: [runs.x1[i], y, z] };
      else {
        b.min[0] = Math.min(b.min[0], runs.x0[i]);
        b.max[0] = Math.max(b.max[0], runs.x1[i]);
        b.min[1] = Math.min(b.min[1], y);
        b.max[1] = Math.max(b.max[1], y);
        b.max[2] = z; // rows are visited in increasing z
      }
    }
  }
  return boxes;
}

/**
 * Dense 26-connected component labelling of the nonzero voxels of `mask` (x fastest). Labels are 1-based in raster
 * order of each component's first voxel; `sizes[id]` is its voxel count.
 */
export function connectedComponents26(mask: ArrayLike<number>, dims: Dims): { labels: Int32Array; count: number; sizes: Float64Array } {
  const runs = runsFromMask(mask, dims);
  const comps = labelRuns(runs);
  const nx = dims[0];
  const labels = new Int32Array(dims[0] * dims[1] * dims[2]);
  for (let r = 0; r + 1 < runs.rowStart.length; r++)
    for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++)
      labels.fill(comps.runLabel[i], r * nx + runs.x0[i], r * nx + runs.x1[i] + 1);
  return { labels, count: comps.count, sizes: comps.voxels };
}
