import 'server-only';
import { columnNorms } from './affine';
import type { NiftiVolume } from './nifti-volume';

/**
 * Whether a volume arrived already skull-stripped (BraTS-style public data, a PACS that stores stripped series, a
 * NIfTI a researcher prepared). Without this, a case whose input is stripped would be reported "not stripped" and
 * fail the skull-stripping drift check of a model that requires stripping, a false alarm on every such case.
 *
 * The signs: a scanner's magnitude image is never exactly 0 outside the head (the noise floor is positive), and a
 * whole head with scalp and skull is 3-5 L; a stripped brain is 1-2 L set in a box of exact zeros. Both must hold: an
 * unstripped head whose background a pipeline zeroed still has its head's volume, and a brain-sized non-zero region
 * with a noisy background is a small field of view, not a stripped brain.
 */
export interface StrippedEvidence {
  stripped: boolean;
  /** share of the box's voxels that are exactly 0 */
  zeroFraction: number;
  /** volume of the non-zero voxels, mL */
  nonZeroMl: number;
}

/** Thresholds, measured: real BraTS cases 0.84-0.87 zeros and 1.3-1.6 L; real unstripped series far from both. */
export const MIN_ZERO_FRACTION = 0.5;
export const MAX_BRAIN_ML = 2200;

export function strippedEvidence(v: Pick<NiftiVolume, 'data' | 'affine'>): StrippedEvidence {
  let zeros = 0;
  const data = v.data;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  const [sx, sy, sz] = columnNorms(v.affine);
  const nonZeroMl = ((data.length - zeros) * sx * sy * sz) / 1000;
  const zeroFraction = data.length ? zeros / data.length : 0;
  return { stripped: zeroFraction >= MIN_ZERO_FRACTION && nonZeroMl > 0 && nonZeroMl <= MAX_BRAIN_ML, zeroFraction, nonZeroMl };
}

/** The Volume.warnings note of a volume detected as stripped on arrival; strippedBy() (skull-strip.ts) reads it. */
export const ALREADY_STRIPPED_NOTE = 'input already skull-stripped';

export const alreadyStrippedNote = (e: StrippedEvidence) =>
  `${ALREADY_STRIPPED_NOTE} (${Math.round(e.zeroFraction * 100)}% of voxels exactly 0 around a ${Math.round(e.nonZeroMl)} mL brain); stored as received`;
