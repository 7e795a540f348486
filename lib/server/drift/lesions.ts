import 'server-only';
/**
 * Lesion count of a predicted mask: 26-connected whole-tumour components of at least `minMl`. A model's stray
 * voxels form many tiny components that ground truth never has, so a raw component count is not comparable with the
 * card's label counts; counting only lesion-sized components is (and errs towards fewer lesions, never more).
 */
import { labelRuns } from '@/lib/metrics/components';
import { runsFromMask } from '@/lib/metrics/runs';

export function lesionCount(mask: ArrayLike<number>, dims: [number, number, number], voxelMl: number, minMl: number): number {
  const comps = labelRuns(runsFromMask(mask, dims));
  let n = 0;
  for (let id = 1; id <= comps.count; id++) if (comps.voxels[id] * voxelMl >= minMl) n++;
  return n;
}
