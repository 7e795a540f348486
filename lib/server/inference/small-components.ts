import 'server-only';
import { labelRuns } from '@/lib/metrics/components';
import { runsFromMask } from '@/lib/metrics/runs';
import type { Vec3 } from './geometry';

/**
 * The card's last postprocessing step (predict.py drop_small_components): whole-tumour components (labels 1-3,
 * 26-connected) of at most `atMostMm3` become background. Fine-tuned models leave specks of a few native voxels where
 * an interpolated probability barely tips over; BraTS does not count a reference lesion that small, but scores every
 * predicted one as a false positive, and a clinician sees noise. Only rows inside `box` (inclusive file indices: the
 * crop, outside which the mask is empty) are read. Returns the voxels removed per label (index = label).
 */
export function dropSmallComponents(
  mask: Uint8Array,
  dims: Vec3,
  voxelMm3: number,
  atMostMm3: number,
  box: { lo: Vec3; hi: Vec3 },
): number[] {
  const removed = [0, 0, 0, 0];
  if (!(atMostMm3 > 0)) return removed;
  const [nx, ny] = dims;
  const runs = runsFromMask(mask, dims, box);
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
