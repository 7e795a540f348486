import 'server-only';
import type { VoxelArray } from '@/lib/server/imaging/nifti';
import { cropShapeOf, rasToFileStrides, type Geometry } from './geometry';
import type { ChannelStats } from './normalise';
import { linearAxisMap, type AxisMap } from './resample';

/** Between file volumes (x fastest) and the RAS crop (C order, z fastest): the way in for images, back for labels. */

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

/**
 * The crop, the z-score and the Z pass of the resampling in one sweep of the file volumes (each crop voxel is read
 * about once instead of being copied, normalised and resampled by three passes over a 50 MB float array):
 * out (C, cx, cy, tz) = Z-resample(zscore(crop)), bit for bit what the three steps give one after the other.
 * Columns along RAS z are visited with the file-contiguous axis innermost, so neighbouring columns share cache lines.
 */
export function normalisedZPass(volumes: VoxelArray[], g: Geometry, stats: ChannelStats[], tz: number): Float32Array {
  const [cx, cy, cz] = cropShapeOf(g);
  const { base, step } = rasToFileStrides(g);
  const walk: ColumnWalk = { cx, cy, tz, base, step, aInner: Math.abs(step[0]) < Math.abs(step[1]), map: linearAxisMap(cz, tz) };
  const out = new Float32Array(volumes.length * cx * cy * tz);
  volumes.forEach((src, ch) => {
    // an all-zero channel stays zero
    if (stats[ch].nonzero > 0) zPassChannel(src, out.subarray(ch * cx * cy * tz, (ch + 1) * cx * cy * tz), stats[ch], walk);
  });
  return out;
}

interface ColumnWalk {
  cx: number;
  cy: number;
  tz: number;
  base: number;
  step: number[];
  /** the RAS x axis is the one contiguous in the file (else y is walked innermost) */
  aInner: boolean;
  map: AxisMap;
}

// A separate function with its inputs in locals: the loop then compiles to plain arithmetic on typed arrays.
function zPassChannel(src: VoxelArray, out: Float32Array, st: ChannelStats, w: ColumnWalk): void {
  const f32 = Math.fround;
  const { mean, std } = st;
  const { cx, cy, tz, base, aInner } = w;
  const [s0, s1, s2] = w.step;
  const { i0, i1, w0, w1 } = w.map;
  const nOuter = aInner ? cy : cx;
  const nInner = aInner ? cx : cy;
  for (let p = 0; p < nOuter; p++)
    for (let q = 0; q < nInner; q++) {
      const a = aInner ? q : p;
      const b = aInner ? p : q;
      const col = base + a * s0 + b * s1;
      const o = (a * cy + b) * tz;
      for (let z = 0; z < tz; z++) {
        // zscore_nonzero: (x - mean) / std where x != 0, exactly 0 elsewhere; float32 like numpy's astype(float32)
        const r0 = f32(src[col + i0[z] * s2]);
        const r1 = f32(src[col + i1[z] * s2]);
        const v0 = r0 !== 0 ? f32((r0 - mean) / std) : 0;
        const v1 = r1 !== 0 ? f32((r1 - mean) / std) : 0;
        out[o + z] = f32(v0 * w0[z] + f32(v1 * w1[z]));
      }
    }
}

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
