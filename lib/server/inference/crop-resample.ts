import 'server-only';
import type { VoxelArray } from '@/lib/server/imaging/nifti';
import { cropFileBox, cropShapeOf, rasToFileStrides, type Geometry, type Vec3 } from './geometry';
import { zscoreNonzero, type ChannelTransform } from './normalisers';
import { smallIntegerRange, type ChannelStats } from './normalise';
import { linearAxisMap, resampleAxisWith, type AxisMap } from './resample';

/**
 * The network input from the file volumes (preprocess.py: RAS crop, each channel's normalisation (normalisers.ts; the
 * z-score on non-zero voxels for the trainer's models), trilinear resampling),
 * computed in the file's own voxel order and transposed into the RAS grid only once it is resampled (8x smaller).
 *
 * Why the file order: files are x-fastest and the RAS grid is z-fastest, so working on the RAS grid reads the file in
 * columns ~100 KB apart. Here the crop is z-scored row by row into a block, and each resampling pass streams rows or
 * whole planes of it.
 *
 * Bit for bit the RAS computation: torch blends along the innermost RAS axis first (Z, then Y, then X, resample.ts);
 * the passes here run along the file axes that are RAS z, y and x, in that order, with each map mirrored where the
 * file axis runs against RAS, so every intermediate float32 is the one torch computes.
 */
export function normalisedResample(volumes: VoxelArray[], g: Geometry, norms: (ChannelTransform | ChannelStats)[]): Float32Array {
  // plain statistics: card 1's z-score over the non-zero voxels
  const transforms = norms.map((n) => ('f' in n ? n : zscoreNonzero(n)));
  const box = cropFileBox(g);
  const maps = fileAxisMaps(g);
  const passOrder = [2, 1, 0].map((k) => g.orientation.perm[k]); // file axes of RAS z, y, x
  const [tx, ty, tz] = g.resampledShape;
  const per = tx * ty * tz;
  const out = new Float32Array(volumes.length * per);
  volumes.forEach((src, ch) => {
    if (transforms[ch].allZero) return; // an all-zero channel stays zero
    const dims = boxDims(box);
    const zscore = valueTable(src, transforms[ch].f);
    let passes = passOrder;
    let a: Float32Array;
    const { mask } = transforms[ch];
    if (zscore && passOrder[0] !== 0 && !mask) {
      // the usual case (16-bit axial or coronal files): crop, z-score and the first pass in one sweep
      a = zscoredPass(src, g.fileDims, box, zscore, passOrder[0], maps[passOrder[0]]);
      dims[passOrder[0]] = maps[passOrder[0]].i0.length;
      passes = passOrder.slice(1);
    } else {
      a = zscoredCrop(src, g.fileDims, box, transforms[ch].f, zscore);
      if (mask) for (let i = 0; i < a.length; i++) if (!mask[i]) a[i] = 0;
    }
    for (const j of passes) {
      a = passAlongFileAxis(a, dims, j, maps[j]);
      dims[j] = maps[j].i0.length;
    }
    fileToRas(a, dims, g, out.subarray(ch * per, (ch + 1) * per));
  });
  return out;
}

/** Per file axis: the RAS axis's resampling map, mirrored (output and source indices reversed) for a flipped axis. */
function fileAxisMaps(g: Geometry): AxisMap[] {
  const crop = cropShapeOf(g);
  const maps: AxisMap[] = [];
  g.orientation.perm.forEach((j, k) => {
    const m = linearAxisMap(crop[k], g.resampledShape[k]);
    if (!g.orientation.flip[k]) return void (maps[j] = m);
    const last = crop[k] - 1;
    const rev = <T extends Int32Array | Float32Array>(a: T) => a.slice().reverse() as T;
    maps[j] = { i0: rev(m.i0).map((i) => last - i), i1: rev(m.i1).map((i) => last - i), w0: rev(m.w0), w1: rev(m.w1) };
  });
  return maps;
}

type Box = { lo: Vec3; hi: Vec3 };
const boxDims = (box: Box) => [0, 1, 2].map((a) => box.hi[a] - box.lo[a] + 1) as Vec3;
/** Every representable value's normalised value, for integer volumes of at most 16 bits: table[value + offset]. */
type ZscoreTable = { table: Float32Array; offset: number };

/**
 * The crop of one file volume, x fastest, normalised by `f` (card 1: (x - mean) / std where x != 0, exactly 0
 * elsewhere), in float32 like numpy's astype; through the table when there is one (the same float32 values).
 */
function zscoredCrop(src: VoxelArray, fileDims: Vec3, box: Box, f: (v: number) => number, zscore: ZscoreTable | null): Float32Array {
  const [w, h, l] = boxDims(box);
  const out = new Float32Array(w * h * l);
  const f32 = Math.fround;
  for (let z = 0, d = 0; z < l; z++)
    for (let y = 0; y < h; y++) {
      const row = ((box.lo[2] + z) * fileDims[1] + box.lo[1] + y) * fileDims[0] + box.lo[0];
      if (zscore) for (let x = 0; x < w; x++, d++) out[d] = zscore.table[src[row + x] + zscore.offset];
      else for (let x = 0; x < w; x++, d++) out[d] = f(f32(src[row + x]));
    }
  return out;
}

/**
 * zscoredCrop followed by the pass along file axis j (1 or 2), without the intermediate crop: each output row blends
 * two z-scored file rows, fma(v0, w0, round(v1 * w1)) in float32 as resampleAxisWith does.
 */
function zscoredPass(src: VoxelArray, fileDims: Vec3, box: Box, zscore: ZscoreTable, j: number, map: AxisMap): Float32Array {
  const f32 = Math.fround;
  const n = boxDims(box);
  n[j] = map.i0.length;
  const [rowStride, planeStride] = [fileDims[0], fileDims[0] * fileDims[1]];
  const { table, offset } = zscore;
  const out = new Float32Array(n[0] * n[1] * n[2]);
  for (let z = 0, d = 0; z < n[2]; z++)
    for (let y = 0; y < n[1]; y++) {
      const i = j === 1 ? y : z;
      const [y0, y1] = j === 1 ? [map.i0[i], map.i1[i]] : [y, y];
      const [z0, z1] = j === 2 ? [map.i0[i], map.i1[i]] : [z, z];
      const r0 = box.lo[0] + (box.lo[1] + y0) * rowStride + (box.lo[2] + z0) * planeStride;
      const r1 = box.lo[0] + (box.lo[1] + y1) * rowStride + (box.lo[2] + z1) * planeStride;
      const w0 = map.w0[i];
      const w1 = map.w1[i];
      for (let x = 0; x < n[0]; x++, d++) out[d] = f32(table[src[r0 + x] + offset] * w0 + f32(table[src[r1 + x] + offset] * w1));
    }
  return out;
}

function valueTable(src: VoxelArray, f: (v: number) => number): ZscoreTable | null {
  const range = smallIntegerRange(src);
  if (!range) return null;
  const table = new Float32Array(range.max - range.min + 1);
  for (let v = range.min; v <= range.max; v++) table[v - range.min] = f(v);
  return { table, offset: -range.min };
}

/** One resampling pass along file axis `j` of an x-fastest (dims) array. */
function passAlongFileAxis(a: Float32Array, dims: Vec3, j: number, map: AxisMap): Float32Array {
  const inner = j === 0 ? 1 : j === 1 ? dims[0] : dims[0] * dims[1];
  const outer = j === 2 ? 1 : j === 1 ? dims[2] : dims[1] * dims[2];
  return resampleAxisWith(a, outer, dims[j], inner, map);
}

/** The resampled x-fastest file-order block into `dst`, C-ordered on the RAS grid (z fastest). */
function fileToRas(a: Float32Array, dims: Vec3, g: Geometry, dst: Float32Array): void {
  const { base, step } = rasToFileStrides({ orientation: g.orientation, fileDims: dims, cropLo: [0, 0, 0] });
  const [tx, ty, tz] = g.resampledShape;
  let d = 0;
  for (let x = 0; x < tx; x++)
    for (let y = 0; y < ty; y++) {
      let i = base + x * step[0] + y * step[1];
      for (let z = 0; z < tz; z++, i += step[2]) dst[d++] = a[i];
    }
}
