import 'server-only';
import { maxAbsDiff, type Mat4 } from '@/lib/server/imaging/affine';
import type { NiftiVolume } from '@/lib/server/imaging/nifti';
import { CARD_CHANNELS, type ModelCard } from '@/lib/schemas/model-card';
import { AppError } from '@/lib/server/errors';
import { normalisedResample } from './crop-resample';
import {
  cropFileBox, cropShapeOf, nonzeroBoxFile, orientationFromAffine, rasCrop, rasShapeOf, targetShape, type Geometry, type Vec3,
} from './geometry';
import { channelStats, type ChannelStats } from './normalise';

export type Channel = (typeof CARD_CHANNELS)[number];
export type CaseVolumes = Record<Channel, Pick<NiftiVolume, 'dims' | 'affine' | 'data' | 'affineSource'>>;

export interface Preprocessed {
  /** network input (C, ...geometry.resampledShape), C ordered like NCXYZ */
  x: Float32Array;
  geometry: Geometry;
  stats: ChannelStats[];
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

/** The channels in the card's order, refusing a missing channel or one that is not on the first channel's grid. */
export function orderedChannels(volumes: Partial<CaseVolumes>): CaseVolumes[Channel][] {
  const list = CARD_CHANNELS.map((ch) => {
    const v = volumes[ch];
    if (!v) throw new AppError('INVALID_INPUT', `The ${ch} volume is missing: the model needs ${CARD_CHANNELS.join(', ')}.`);
    return v;
  });
  const ref = list[0];
  list.forEach((v, i) => {
    const sameDims = v.dims.every((d, k) => d === ref.dims[k]);
    if (!sameDims || maxAbsDiff(trainerAffine(v), trainerAffine(ref)) > GRID_TOLERANCE)
      throw new AppError('INVALID_INPUT', `${CARD_CHANNELS[i]} is not on the ${CARD_CHANNELS[0]} grid: co-register the channels first.`);
    if (v.data.length !== v.dims[0] * v.dims[1] * v.dims[2]) throw new Error(`${CARD_CHANNELS[i]}: data length does not match dims`);
  });
  return list;
}

/**
 * preprocess.py `preprocess`: reorient to RAS, crop to the non-zero box (+margin) at native resolution, z-score each
 * channel over its non-zero voxels, resample trilinearly to the card's spacing.
 */
export function preprocess(volumes: Partial<CaseVolumes>, card: ModelCard): Preprocessed {
  const list = orderedChannels(volumes);
  const fileDims = [...list[0].dims] as Vec3;
  const pre = card.preprocessing;
  let orientation;
  try {
    orientation = orientationFromAffine(trainerAffine(list[0]));
  } catch (e) {
    throw new AppError('INVALID_INPUT', `The image is too oblique for this model: ${(e as Error).message}`);
  }
  const box = nonzeroBoxFile(list.map((v) => v.data), fileDims);
  if (!box) throw new AppError('INVALID_INPUT', 'All channels are zero: there is nothing to segment.');
  const crop = rasCrop(box, fileDims, orientation, pre.crop.marginVoxels);
  const partial = { orientation, fileDims, rasShape: rasShapeOf(fileDims, orientation), cropLo: crop.lo, cropHi: crop.hi };
  const cropShape = cropShapeOf(partial);
  const resampledShape = targetShape(cropShape, orientation.spacingRas, pre.targetSpacingMm as Vec3);
  const geometry: Geometry = { ...partial, resampledShape };
  const data = list.map((v) => v.data);
  const stats = channelStats(data, fileDims, cropFileBox(geometry), pre.normalization.epsilon);
  return { x: normalisedResample(data, geometry, stats), geometry, stats };
}
