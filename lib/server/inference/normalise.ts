import 'server-only';
import type { VoxelArray } from '@/lib/server/imaging/nifti';
import type { Vec3 } from './geometry';

export interface ChannelStats {
  mean: number;
  /** max(population std, epsilon) */
  std: number;
  nonzero: number;
}

/**
 * Per channel: mean and population standard deviation in float64 over the channel's non-zero voxels
 * (preprocess.py zscore_nonzero), read inside `box` (inclusive file indices: the crop, which holds every non-zero
 * voxel of every channel). Two passes, mean then squared deviations, as numpy computes them, or for 8/16-bit volumes
 * one pass that counts each value (valueHistogram). Values are taken as float32, as nibabel's
 * get_fdata(dtype=float32) gives them to the trainer. The z-score itself, (x - mean) / std where x != 0 and exactly 0
 * elsewhere, is applied while cropping (crop-resample.ts).
 */
export function channelStats(volumes: VoxelArray[], dims: Vec3, box: { lo: Vec3; hi: Vec3 }, epsilon: number): ChannelStats[] {
  return volumes.map((src) => {
    const histogram = valueHistogram(src, dims, box);
    if (histogram) return statsOfHistogram(histogram, epsilon);
    const { count, sum } = nonzeroSum(src, dims, box);
    if (count === 0) return { mean: 0, std: epsilon, nonzero: 0 };
    // float64 sums differ from numpy's pairwise ones by far less than the float32 rounding of the result
    const mean = sum / count;
    return { mean, std: Math.max(Math.sqrt(squaredDeviations(src, dims, box, mean) / count), epsilon), nonzero: count };
  });
}

// The two passes are plain loops over the box's rows (closures updating captured sums run several times slower).
function nonzeroSum(src: VoxelArray, dims: Vec3, box: { lo: Vec3; hi: Vec3 }): { count: number; sum: number } {
  const f32 = Math.fround;
  const [nx, ny] = dims;
  let count = 0;
  let sum = 0;
  for (let z = box.lo[2]; z <= box.hi[2]; z++)
    for (let y = box.lo[1]; y <= box.hi[1]; y++) {
      const row = (z * ny + y) * nx;
      for (let i = row + box.lo[0], end = row + box.hi[0]; i <= end; i++) {
        const v = f32(src[i]);
        sum += v; // a zero adds nothing: no branch needed
        count += v !== 0 ? 1 : 0;
      }
    }
  return { count, sum };
}

function squaredDeviations(src: VoxelArray, dims: Vec3, box: { lo: Vec3; hi: Vec3 }, mean: number): number {
  const f32 = Math.fround;
  const [nx, ny] = dims;
  let sq = 0;
  for (let z = box.lo[2]; z <= box.hi[2]; z++)
    for (let y = box.lo[1]; y <= box.hi[1]; y++) {
      const row = (z * ny + y) * nx;
      for (let i = row + box.lo[0], end = row + box.hi[0]; i <= end; i++) {
        const v = f32(src[i]);
        const d = v - mean;
        sq += v !== 0 ? d * d : 0;
      }
    }
  return sq;
}

/**
 * 8- and 16-bit volumes (most clinical NIfTI): how often each value occurs inside the box, indexed by value - min,
 * in one pass instead of two; null for other types. The sums below are then exact (integers under 2^53), and the
 * squared deviations are summed per value, which differs from numpy's per-voxel sum only in float64 rounding.
 */
function valueHistogram(src: VoxelArray, dims: Vec3, box: { lo: Vec3; hi: Vec3 }): { counts: Int32Array; min: number } | null {
  const range = smallIntegerRange(src);
  if (!range) return null;
  const { min } = range;
  const counts = new Int32Array(range.max - min + 1);
  const [nx, ny] = dims;
  for (let z = box.lo[2]; z <= box.hi[2]; z++)
    for (let y = box.lo[1]; y <= box.hi[1]; y++) {
      const row = (z * ny + y) * nx;
      for (let i = row + box.lo[0], end = row + box.hi[0]; i <= end; i++) counts[src[i] - min]++;
    }
  return { counts, min };
}

function statsOfHistogram({ counts, min }: { counts: Int32Array; min: number }, epsilon: number): ChannelStats {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0 || i + min === 0) continue;
    count += counts[i];
    sum += counts[i] * (i + min);
  }
  if (count === 0) return { mean: 0, std: epsilon, nonzero: 0 };
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0 || i + min === 0) continue;
    const d = i + min - mean;
    sq += counts[i] * d * d;
  }
  return { mean, std: Math.max(Math.sqrt(sq / count), epsilon), nonzero: count };
}

/** The value range of 8- and 16-bit integer volumes (small enough to tabulate every value); null for other types. */
export function smallIntegerRange(src: VoxelArray): { min: number; max: number } | null {
  if (src instanceof Int16Array) return { min: -32768, max: 32767 };
  if (src instanceof Uint16Array) return { min: 0, max: 65535 };
  if (src instanceof Int8Array) return { min: -128, max: 127 };
  if (src instanceof Uint8Array) return { min: 0, max: 255 };
  return null;
}
