import { boxDims, paintRuns, type Runs } from './runs';
import { robustHausdorff, surfaceDistancesCropped } from './surface';
import type { Box, Spacing } from './types';

/**
 * Raw HD95 (Infinity when a side is empty) between the selected runs of `ref` and of `pred`, on `box`, which must
 * be the bounding box of the union of the selected voxels (so the corner grid is the one DeepMind's code builds).
 */
export function hd95OfRuns(
  ref: Runs,
  refKeep: ((run: number) => boolean) | undefined,
  pred: Runs,
  predKeep: ((run: number) => boolean) | undefined,
  box: Box,
  spacing: Spacing,
): number {
  const dims = boxDims(box);
  const a = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const b = new Uint8Array(a.length);
  paintRuns(ref, box, a, refKeep);
  paintRuns(pred, box, b, predKeep);
  return robustHausdorff(surfaceDistancesCropped(a, b, dims, spacing), 95);
}

export function unionBoxes(boxes: (Box | null | undefined)[]): Box | null {
  let out: Box | null = null;
  for (const b of boxes) {
    if (!b) continue;
    if (!out) out = { min: [...b.min], max: [...b.max] };
    else
      for (let d = 0; d < 3; d++) {
        out.min[d] = Math.min(out.min[d], b.min[d]);
        out.max[d] = Math.max(out.max[d], b.max[d]);
      }
  }
  return out;
}
