import 'server-only';
import { cropShapeOf, rasToFileStrides, type Geometry } from './geometry';

/** From the RAS crop (C order, z fastest) back to file volumes (x fastest), for labels; images go in through crop-resample.ts. */

/**
 * How to walk the crop when pasting labels back. The file is x-fastest and the RAS arrays z-fastest, so unless the
 * file's x axis is RAS z the copy is a transpose; it is done in 16x16 tiles of (A, z), A being the RAS axis that is
 * contiguous in the file, so reads and writes both stay within a few cache lines (a plain loop strides ~100 KB
 * through the file per voxel).
 */
function cropWalk(g: Geometry) {
  const shape = cropShapeOf(g);
  const { base, step } = rasToFileStrides(g);
  const A = [0, 1, 2].reduce((best, k) => (Math.abs(step[k]) < Math.abs(step[best]) ? k : best), 2);
  return { shape, base, step, A, O: A === 0 ? 1 : 0, rasStride: [shape[1] * shape[2], shape[2], 1], n: shape[0] * shape[1] * shape[2] };
}

const TILE = 16;

/** The inverse for labels: RAS-crop labels (C order) pasted into a zero volume in file voxel order. */
export function pasteRasCrop(labels: Uint8Array, g: Geometry): Uint8Array {
  const { shape, base, step, A, O, rasStride } = cropWalk(g);
  const out = new Uint8Array(g.fileDims[0] * g.fileDims[1] * g.fileDims[2]);
  if (A === 2) {
    let o = 0;
    for (let a = 0; a < shape[0]; a++)
      for (let b = 0; b < shape[1]; b++) {
        let idx = base + a * step[0] + b * step[1];
        for (let z = 0; z < shape[2]; z++, idx += step[2]) out[idx] = labels[o++];
      }
    return out;
  }
  for (let o = 0; o < shape[O]; o++)
    for (let tz = 0; tz < shape[2]; tz += TILE)
      for (let ta = 0; ta < shape[A]; ta += TILE) {
        const zEnd = Math.min(tz + TILE, shape[2]);
        const aEnd = Math.min(ta + TILE, shape[A]);
        for (let z = tz; z < zEnd; z++) {
          let to = base + o * step[O] + z * step[2] + ta * step[A];
          let from = o * rasStride[O] + z + ta * rasStride[A];
          for (let a = ta; a < aEnd; a++, to += step[A], from += rasStride[A]) out[to] = labels[from];
        }
      }
  return out;
}
