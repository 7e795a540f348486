import 'server-only';
import type { VoxelArray } from '@/lib/server/imaging/nifti';
import type { Normalization } from '@/lib/schemas/model-card';
import type { Vec3 } from './geometry';
import { channelStats, type ChannelStats } from './normalise';

/**
 * Each channel's normalisation (the card's preprocessing.normalization) as a function of the voxel value, measured
 * over the crop. crop-resample.ts applies it (through a value table for 8/16-bit volumes) while cropping.
 */
export interface ChannelTransform {
  /** float32 file value -> network input value (stored as float32) */
  f: (v: number) => number;
  /** every voxel maps to 0: the channel stays zero and is not resampled */
  allZero: boolean;
  /** the z-score's statistics, for the z-score kinds */
  stats: ChannelStats | null;
  /** over the crop box (x fastest): 0 where the output is 0 whatever the value ('nonzero-union-filled' outside its mask) */
  mask?: Uint8Array;
}

type Box = { lo: Vec3; hi: Vec3 };

/** `union`: the box's nnU-Net non-zero mask (nnunet.ts unionFilledMask), for the 'nonzero-union-filled' z-score. */
export function channelTransform(src: VoxelArray, dims: Vec3, box: Box, spec: Normalization, union?: Uint8Array): ChannelTransform {
  switch (spec.kind) {
    case 'zscore': {
      if (spec.mask === 'nonzero-per-channel') {
        return zscoreNonzero(channelStats([src], dims, box, spec.epsilon)[0]);
      }
      if (spec.mask === 'nonzero-union-filled') {
        if (!union) throw new Error('the nonzero-union-filled z-score needs the union mask');
        const st = maskedBoxStats(src, dims, box, spec.epsilon, union);
        return { f: (v) => (v - st.mean) / st.std, allZero: false, stats: st, mask: union };
      }
      const st = wholeBoxStats(src, dims, box, spec.epsilon);
      return { f: (v) => (v - st.mean) / st.std, allZero: false, stats: st };
    }
    case 'percentile-rescale': {
      const values = boxValues(src, dims, box, spec.over === 'nonzero');
      if (values.length === 0) return { f: () => 0, allZero: true, stats: null };
      values.sort();
      const lo = percentileOfSorted(values, spec.lowerPercentile);
      const hi = percentileOfSorted(values, spec.upperPercentile);
      const [a, b] = spec.targetRange;
      const keepZero = spec.over === 'nonzero';
      const f = (v: number) => {
        if (keepZero && v === 0) return 0;
        if (!(hi > lo)) return a;
        const c = v < lo ? lo : v > hi ? hi : v;
        return ((c - lo) / (hi - lo)) * (b - a) + a;
      };
      return { f, allZero: false, stats: null };
    }
    case 'none':
      return { f: (v) => v, allZero: false, stats: null };
  }
}

/** Card 1's rule, unchanged: (x - mean) / std where x != 0, exactly 0 elsewhere. */
export function zscoreNonzero(st: ChannelStats): ChannelTransform {
  const { mean, std } = st;
  return { f: (v) => (v !== 0 ? (v - mean) / std : 0), allZero: st.nonzero === 0, stats: st };
}

/** numpy.percentile(values, q) with the default linear interpolation; `sorted` ascending, non-empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  const j = Math.min(i + 1, sorted.length - 1);
  return sorted[i] + (sorted[j] - sorted[i]) * (pos - i);
}

/** Every value in the box as float32 (only the non-zero ones with `nonzeroOnly`). */
function boxValues(src: VoxelArray, dims: Vec3, box: Box, nonzeroOnly: boolean): Float32Array {
  const [nx, ny] = dims;
  const out = new Float32Array((box.hi[0] - box.lo[0] + 1) * (box.hi[1] - box.lo[1] + 1) * (box.hi[2] - box.lo[2] + 1));
  let n = 0;
  for (let z = box.lo[2]; z <= box.hi[2]; z++)
    for (let y = box.lo[1]; y <= box.hi[1]; y++) {
      const row = (z * ny + y) * nx;
      for (let i = row + box.lo[0], end = row + box.hi[0]; i <= end; i++) {
        const v = src[i];
        if (!nonzeroOnly || v !== 0) out[n++] = v;
      }
    }
  return out.subarray(0, n);
}

/** Mean and population std (max with epsilon) of every float32 value in the box, in float64, two passes. */
function wholeBoxStats(src: VoxelArray, dims: Vec3, box: Box, epsilon: number): ChannelStats {
  return statsOf(boxValues(src, dims, box, false), epsilon);
}

/** As wholeBoxStats over the voxels where `mask` (box order, x fastest) is 1. */
function maskedBoxStats(src: VoxelArray, dims: Vec3, box: Box, epsilon: number, mask: Uint8Array): ChannelStats {
  const all = boxValues(src, dims, box, false);
  let n = 0;
  for (let i = 0; i < all.length; i++) if (mask[i]) all[n++] = all[i];
  return statsOf(all.subarray(0, n), epsilon);
}

function statsOf(values: Float32Array, epsilon: number): ChannelStats {
  let sum = 0;
  let nonzero = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    nonzero += values[i] !== 0 ? 1 : 0;
  }
  const mean = values.length ? sum / values.length : 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.max(Math.sqrt(values.length ? sq / values.length : 0), epsilon), nonzero };
}
