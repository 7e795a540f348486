import { MetricsInputError, type Dims, type Spacing } from './types';

/** The parts of a decoded volume (e.g. lib/server/imaging's NiftiVolume) that metrics need. */
export interface GridVolume {
  dims: readonly number[];
  spacing: readonly number[];
  /** 16 numbers, row-major voxel -> world */
  affine?: readonly number[];
  data: ArrayLike<number>;
}

/**
 * Label values as bytes. Masks arrive as uint8 mostly, but int16 or float writers exist; any value that is not an
 * integer in 0..255 is refused rather than truncated.
 */
export function labelBytes(data: ArrayLike<number>, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= 255))
      throw new MetricsInputError(`${what} is not a label mask: voxel ${i} holds ${v} (labels must be integers 0..255)`);
    out[i] = v;
  }
  return out;
}

const SPACING_RTOL = 1e-5;
/** mm; voxel grids of one case written by different tools differ by float32 rounding, not more */
const AFFINE_ATOL = 1e-3;

/** Throws a MetricsInputError naming the first difference when two volumes do not share one voxel grid. */
export function assertSameGrid(pred: GridVolume, ref: GridVolume): { dims: Dims; spacing: Spacing } {
  const dims = pred.dims.slice(0, 3);
  if (ref.dims.length < 3 || dims.some((d, i) => d !== ref.dims[i]))
    throw new MetricsInputError(`grids differ: prediction is ${dims.join('x')}, reference is ${ref.dims.slice(0, 3).join('x')}`);
  pred.spacing.slice(0, 3).forEach((s, i) => {
    if (Math.abs(s - ref.spacing[i]) > SPACING_RTOL * Math.max(s, ref.spacing[i]))
      throw new MetricsInputError(
        `voxel spacing differs: prediction ${pred.spacing.slice(0, 3).join(' x ')} mm, reference ${ref.spacing.slice(0, 3).join(' x ')} mm`,
      );
  });
  if (pred.affine && ref.affine)
    for (let i = 0; i < 12; i++)
      if (Math.abs(pred.affine[i] - ref.affine[i]) > AFFINE_ATOL)
        throw new MetricsInputError(
          `grids differ in position or orientation (affine entry ${i}: ${pred.affine[i]} vs ${ref.affine[i]}); resample one onto the other first`,
        );
  const sp = pred.spacing;
  return { dims: [dims[0], dims[1], dims[2]], spacing: [sp[0], sp[1], sp[2]] };
}
