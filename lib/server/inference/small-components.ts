import 'server-only';
import { labelRuns } from '@/lib/metrics/components';
import { RunBuilder } from '@/lib/metrics/runs';
import type { Vec3 } from './geometry';

/**
 * The card's last postprocessing step (predict.py drop_small_components): whole-tumour components (labels 1-3,
 * 26-connected) of at most `atMostMm3` become background. Fine-tuned models leave specks of a few native voxels where
 * an interpolated probability barely tips over; BraTS does not count a reference lesion that small, but scores every
 * predicted one as a false positive, and a clinician sees noise. Only rows inside `box` (inclusive file indices: the
 * crop, outside which the mask is empty) are read. Returns the voxels removed per label (index = label).
 */
export function dropSmallComponents(mask: Uint8Array, dims: Vec3, voxelMm3: number, atMostMm3: number, box: { lo: Vec3; hi: Vec3 }): number[] {
  const removed = [0, 0, 0, 0];
  if (!(atMostMm3 > 0)) return removed;
  const [nx, ny] = dims;
  const builder = new RunBuilder(dims);
  for (let z = 0; z < dims[2]; z++)
    for (let y = 0; y < ny; y++) {
      if (z >= box.lo[2] && z <= box.hi[2] && y >= box.lo[1] && y <= box.hi[1]) pushRowRuns(mask, (z * ny + y) * nx, box.lo[0], box.hi[0], builder);
      builder.endRow();
    }
  const runs = builder.finish();
  const comps = labelRuns(runs);
  for (let r = 0; r < ny * dims[2]; r++)
    for (let i = runs.rowStart[r]; i < runs.rowStart[r + 1]; i++) {
      if (comps.voxels[comps.runLabel[i]] * voxelMm3 > atMostMm3) continue;
      for (let d = r * nx + runs.x0[i], end = r * nx + runs.x1[i]; d <= end; d++) {
        removed[mask[d]]++;
        mask[d] = 0;
      }
    }
  return removed;
}

function pushRowRuns(mask: Uint8Array, base: number, x0: number, x1: number, b: RunBuilder): void {
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
