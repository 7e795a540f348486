import 'server-only';
import { maxAbsDiff, type Mat4 } from '@/lib/server/imaging/affine';
import type { NiftiVolume } from '@/lib/server/imaging/nifti';
import { CARD_CHANNELS, type ModelCard } from '@/lib/schemas/model-card';
import { AppError } from '@/lib/server/errors';
import { normalisedResample } from './crop-resample';
import {
  cropFileBox,
  cropShapeOf,
  nonzeroBoxFile,
  orientationFromAffine,
  rasCrop,
  rasShapeOf,
  targetShape,
  type Geometry,
  type Orientation,
  type Vec3,
} from './geometry';
import type { ChannelStats } from './normalise';
import { channelTransform } from './normalisers';
import { unionFilledMask } from './nnunet';

export type Channel = (typeof CARD_CHANNELS)[number];
export type CaseVolumes = Record<Channel, Pick<NiftiVolume, 'dims' | 'affine' | 'data' | 'affineSource'>>;

export interface Preprocessed {
  /** network input (C, ...geometry.resampledShape), C in the card's channel order, NCXYZ */
  x: Float32Array;
  geometry: Geometry;
  /** per channel: the z-score's statistics (null for the other normalisations) */
  stats: (ChannelStats | null)[];
}

/** The trainer's same_grid tolerance (nifti_io.py: np.allclose(a, b, atol=1e-3)). */
const GRID_TOLERANCE = 1e-3;

/**
 * The affine nibabel would report: identical to readNifti's except for files with neither sform nor qform, where
 * nibabel's Analyze fallback runs x backwards (radiological convention) and readNifti's does not.
 */
export function trainerAffine(v: Pick<NiftiVolume, 'affine' | 'affineSource'>): Mat4 {
  if (v.affineSource !== 'pixdim') return v.affine;
  const a = v.affine.slice();
  for (const r of [0, 4, 8]) a[r] = -a[r];
  return a;
}

/** The card's channels in its order, refusing a missing channel or one that is not on the first channel's grid. */
export function orderedChannels(volumes: Partial<CaseVolumes>, channels: readonly Channel[] = CARD_CHANNELS): CaseVolumes[Channel][] {
  const list = channels.map((ch) => {
    const v = volumes[ch];
    if (!v) throw new AppError('INVALID_INPUT', `The ${ch} volume is missing: the model needs ${channels.join(', ')}.`);
    return v;
  });
  const ref = list[0];
  list.forEach((v, i) => {
    const sameDims = v.dims.every((d, k) => d === ref.dims[k]);
    if (!sameDims || maxAbsDiff(trainerAffine(v), trainerAffine(ref)) > GRID_TOLERANCE)
      throw new AppError('INVALID_INPUT', `${channels[i]} is not on the ${channels[0]} grid: co-register the channels first.`);
    if (v.data.length !== v.dims[0] * v.dims[1] * v.dims[2]) throw new Error(`${channels[i]}: data length does not match dims`);
  });
  return list;
}

/** The grid the network sees: RAS (the trainer's rule) or the file's own voxel order (card orientation "native"). */
function cardOrientation(affine: Mat4, kind: 'RAS' | 'native'): Orientation {
  let ras: Orientation | null = null;
  try {
    ras = orientationFromAffine(affine);
  } catch (e) {
    if (kind === 'RAS') throw new AppError('INVALID_INPUT', `The image is too oblique for this model: ${(e as Error).message}`);
  }
  if (kind === 'RAS') return ras!;
  const spacing = [0, 1, 2].map((j) => Math.hypot(affine[j], affine[4 + j], affine[8 + j])) as Vec3;
  return { perm: [0, 1, 2], flip: [false, false, false], spacingRas: spacing, codes: ras?.codes ?? 'oblique' };
}

/** The card's axes on top of the grid: network axis k is grid axis axes[k] (nnU-Net's reader order + transpose_forward). */
function permuted(o: Orientation, axes: readonly number[] | undefined): Orientation {
  if (!axes) return o;
  const pick = <T>(v: readonly T[]) => axes.map((a) => v[a]);
  return { ...o, perm: pick(o.perm) as Vec3, flip: pick(o.flip) as Orientation['flip'], spacingRas: pick(o.spacingRas) as Vec3 };
}

/**
 * preprocess.py `preprocess`, as the card says: the card's channels in its order; reorient to RAS (or keep the file's
 * grid); crop to the non-zero box (+margin) at native resolution (or not at all); normalise each channel over the
 * crop by its rule (card 1: z-score over its non-zero voxels); resample trilinearly to the card's spacing (or not).
 */
export function preprocess(volumes: Partial<CaseVolumes>, card: ModelCard): Preprocessed {
  const pre = card.preprocessing;
  const list = orderedChannels(volumes, pre.channels);
  const fileDims = [...list[0].dims] as Vec3;
  const orientation = permuted(cardOrientation(trainerAffine(list[0]), pre.orientation), pre.axes);
  const box = nonzeroBoxFile(
    list.map((v) => v.data),
    fileDims,
  );
  if (!box) throw new AppError('INVALID_INPUT', 'All channels are zero: there is nothing to segment.');
  const rasShape = rasShapeOf(fileDims, orientation);
  const crop =
    pre.crop.kind === 'nonzero-bbox' ? rasCrop(box, fileDims, orientation, pre.crop.marginVoxels) : { lo: [0, 0, 0] as Vec3, hi: rasShape };
  const partial = { orientation, fileDims, rasShape, cropLo: crop.lo, cropHi: crop.hi };
  const cropShape = cropShapeOf(partial);
  const resampledShape = pre.targetSpacingMm ? targetShape(cropShape, orientation.spacingRas, pre.targetSpacingMm as Vec3) : cropShape;
  const geometry: Geometry = { ...partial, resampledShape };
  const data = list.map((v) => v.data);
  const cropBox = cropFileBox(geometry);
  // nnU-Net's mask is shared by every channel: computed once, only when a channel's z-score uses it
  const union = pre.normalization.some((n) => n.kind === 'zscore' && n.mask === 'nonzero-union-filled')
    ? unionFilledMask(data, fileDims, cropBox)
    : undefined;
  const transforms = data.map((src, i) => channelTransform(src, fileDims, cropBox, pre.normalization[i], union));
  return { x: normalisedResample(data, geometry, transforms), geometry, stats: transforms.map((t) => t.stats) };
}
