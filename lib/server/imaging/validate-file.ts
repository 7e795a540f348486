import 'server-only';
import { ImagingValidationError, NIFTI_ERROR_STATUS, NiftiError } from './errors';
import { formatBytes, gunzipLimited, isGzip, plainBytes } from './gzip';
import { readNifti, type NiftiVolume } from './nifti';
import { sanitizeNifti } from './nifti-write';
import { orientationCode } from './orientation';

export interface FileLimits {
  /** largest accepted upload as sent (compressed) */
  maxFileBytes: number;
  /** largest accepted inflated size (gzip-bomb guard) */
  maxInflatedBytes: number;
}

export interface ParsedFile {
  filename: string;
  volume: NiftiVolume;
  orientation: string;
  min: number;
  max: number;
  /** raw (inflated) bytes, kept for sanitising without a second gunzip */
  raw: Uint8Array;
}

const fail = (status: 400 | 413 | 415 | 422, file: string, problem: string): never => {
  throw new ImagingValidationError(status, file, `${file}: ${problem}`);
};

/** Parses one upload into a 3D volume or throws an ImagingValidationError naming the file and the problem. */
export function parseUpload(filename: string, bytes: Uint8Array, limits: FileLimits): ParsedFile {
  if (bytes.length === 0) fail(415, filename, 'empty file, not a NIfTI volume');
  if (bytes.length > limits.maxFileBytes)
    fail(413, filename, `file is ${formatBytes(bytes.length)}, above the ${formatBytes(limits.maxFileBytes)} upload limit`);
  let raw: Uint8Array = plainBytes(bytes);
  let volume: NiftiVolume;
  try {
    if (isGzip(bytes)) raw = gunzipLimited(bytes, limits.maxInflatedBytes);
    volume = readNifti(raw);
  } catch (err) {
    if (err instanceof NiftiError) return fail(NIFTI_ERROR_STATUS[err.kind], filename, err.message);
    throw err;
  }
  if (!volume.affine.every(Number.isFinite)) fail(422, filename, 'the affine (sform/qform) contains non-finite numbers');
  let orientation = '';
  try {
    orientation = orientationCode(volume.affine);
  } catch {
    fail(422, filename, 'the affine is singular: voxel axes do not span 3D space');
  }
  const { min, max, nonFinite } = scan(volume.data);
  if (nonFinite > 0) fail(422, filename, `${nonFinite} voxel(s) are NaN or infinite`);
  return { filename, volume, orientation, min, max, raw };
}

function scan(data: ArrayLike<number>) {
  let min = Infinity,
    max = -Infinity,
    nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== v || v === Infinity || v === -Infinity) nonFinite++; // v !== v: NaN, without a function call per voxel
  }
  if (data.length === 0) min = max = 0;
  return { min, max, nonFinite };
}

/** Stored copy: PHI-bearing header text and extensions removed, gzipped. */
export function sanitizedCopy(file: ParsedFile, level: number): Uint8Array {
  return sanitizeNifti(file.raw, { gzip: true, level });
}

/** Integer label image from a parsed mask, or a 422 naming the first non-integer / out-of-range value. */
export function maskLabels(file: ParsedFile): Uint8Array {
  const data = file.volume.data;
  if (data instanceof Uint8Array && !file.volume.scaled) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== Math.round(v)) fail(422, file.filename, `mask holds a non-integer value ${v}; a label mask must hold integer labels`);
    if (v < 0 || v > 255) fail(422, file.filename, `mask label ${v} is outside 0..255`);
    out[i] = v;
  }
  return out;
}

export { fail as validationFailure };
