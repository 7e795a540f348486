import 'server-only';
import { getLabelMap, remapToProduct, PRODUCT_LABEL_MAP } from '@/lib/labels';
import { AppError } from '../errors';
import { maxAbsDiff } from '../imaging/affine';
import { NiftiError } from '../imaging/errors';
import { readNifti, writeNiftiMask, type VoxelArray } from '../imaging/nifti';
import { AFFINE_TOLERANCE, voxelTotal, type CaseGrid } from './grid';

/** Inflated-size cap for an uploaded mask: a uint8 mask of a 512^3 grid is 128 MiB; anything bigger is not a mask. */
const MAX_MASK_INFLATED = 256 * 1024 * 1024;

/**
 * Reads an uploaded mask (NIfTI, gzipped or not) and checks it belongs to this case: same dims, an affine equal to one of
 * the case volumes', integer labels the label map knows. Returns it remapped to the product convention (1 NCR, 2 ED,
 * 3 ET) in the file's native voxel order, which is the case grid's order.
 */
export function decodeMaskFile(bytes: Uint8Array, grid: CaseGrid, labelMapName = PRODUCT_LABEL_MAP.name): Uint8Array {
  let vol;
  try {
    vol = readNifti(bytes, { maxInflatedBytes: MAX_MASK_INFLATED });
  } catch (e) {
    if (e instanceof NiftiError)
      throw new AppError(
        e.kind === 'not-nifti' ? 'UNSUPPORTED_MEDIA' : 'INVALID_INPUT',
        `The mask is not a readable NIfTI file: ${e.message}.`,
      );
    throw e;
  }
  if (vol.dims.some((d, i) => d !== grid.dims[i]))
    throw new AppError('INVALID_INPUT', `The mask grid ${vol.dims.join('x')} does not match the case grid ${grid.dims.join('x')}.`);
  const diff = Math.min(...grid.affines.map((a) => maxAbsDiff(a, vol.affine)));
  if (!(diff <= AFFINE_TOLERANCE))
    throw new AppError(
      'INVALID_INPUT',
      `The mask's affine differs from the case volumes' (by up to ${diff.toFixed(4)}): it was drawn on another grid or orientation.`,
    );
  const labels = toUint8Labels(vol.data);
  let map;
  try {
    map = getLabelMap(labelMapName);
  } catch {
    throw new AppError('INVALID_INPUT', `Unknown label map "${labelMapName}".`);
  }
  try {
    return remapToProduct(labels, map);
  } catch (e) {
    throw new AppError('INVALID_INPUT', `The mask holds labels the "${map.name}" convention does not define (${(e as Error).message}).`);
  }
}

/** Integer voxel values 0..255 as uint8; a float or negative label is refused rather than rounded. */
function toUint8Labels(data: VoxelArray): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < 0 || v > 255)
      throw new AppError('INVALID_INPUT', `The mask holds a non-label value ${v} (labels are whole numbers 0-3).`);
    out[i] = v;
  }
  return out;
}

/** A mask given as voxels (already in the product convention) must fill the grid and use only labels 0-3. */
export function validateMaskArray(mask: Uint8Array, grid: CaseGrid): Uint8Array {
  if (mask.length !== voxelTotal(grid))
    throw new AppError(
      'INVALID_INPUT',
      `The mask has ${mask.length} voxels; the case grid ${grid.dims.join('x')} has ${voxelTotal(grid)}.`,
    );
  for (let i = 0; i < mask.length; i++)
    if (mask[i] > 3)
      throw new AppError('INVALID_INPUT', `The mask holds label ${mask[i]}; only 0 (background), 1 NCR, 2 ED and 3 ET are allowed.`);
  return mask;
}

/** The stored form: gzipped NIfTI-1 uint8 on the reference volume's grid and affine. */
export function encodeMask(mask: Uint8Array, grid: CaseGrid): Uint8Array {
  return writeNiftiMask(mask, { dims: grid.dims, affine: grid.affine, data: mask, header: { sformCode: 1, qformCode: 1 } });
}
