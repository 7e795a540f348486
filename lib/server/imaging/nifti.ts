import 'server-only';
import { readFile } from 'node:fs/promises';
import { columnNorms, maxAbsDiff, quaternToAffine, type Mat4 } from './affine';
import { NiftiError } from './errors';
import { DEFAULT_MAX_INFLATED_BYTES, gunzipLimited, isGzip, plainBytes } from './gzip';
import { datatypeInfo, parseHeader, type NiftiHeader } from './nifti-header';
import type { NiftiVolume, VoxelArray } from './nifti-volume';

export type { NiftiVolume, VoxelArray } from './nifti-volume';

export interface ReadNiftiOptions {
  /** cap on the inflated size of a gzipped file (gzip-bomb guard) */
  maxInflatedBytes?: number;
  /** accept bytes after the last voxel (some writers pad); strict by default so a wrong header is caught */
  allowTrailingBytes?: boolean;
}

/** Reads a .nii or .nii.gz (NIfTI-1 or NIfTI-2) into a 3D volume; throws NiftiError with a user-facing message. */
export function readNifti(input: Uint8Array, opts: ReadNiftiOptions = {}): NiftiVolume {
  const bytes = plainBytes(input);
  const gz = isGzip(bytes);
  const raw = gz ? gunzipLimited(bytes, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES) : bytes;
  const header = parseHeader(raw);
  const dims = gridDims(header.dim);
  const type = datatypeInfo(header.datatypeCode);
  if (header.bitpix !== type.bytes * 8)
    throw new NiftiError('bad-header', `bitpix ${header.bitpix} disagrees with datatype ${type.name} (${type.bytes * 8} bits)`);
  const nvox = dims[0] * dims[1] * dims[2];
  const expected = nvox * type.bytes;
  const available = raw.length - header.voxOffset;
  if (available < expected)
    throw new NiftiError(
      'truncated',
      `truncated: the header declares ${dims.join('x')} ${type.name} (${expected} bytes of voxels) but only ${Math.max(0, available)} follow the header`,
    );
  if (available > expected && !opts.allowTrailingBytes)
    throw new NiftiError(
      'dims-mismatch',
      `header dims ${dims.join('x')} ${type.name} account for ${expected} bytes of voxels but the file holds ${available}`,
    );
  // Bytes we inflated ourselves may be viewed in place; caller-owned bytes are copied so the volume never aliases them.
  let data = voxelView(raw, header.voxOffset, nvox, type, header.littleEndian, !gz);
  const scaled = needsScaling(header.sclSlope, header.sclInter);
  if (scaled) data = applyScaling(data, header.sclSlope, header.sclInter);
  const { affine, source } = headerAffine(header);
  const unit = spatialUnitToMm(header.xyztUnits);
  if (unit !== 1) for (let i = 0; i < 12; i++) affine[i] *= unit;
  const warnings = xformWarnings(header, affine, unit);
  return {
    dims,
    spacing: spacingOf(header, affine, unit),
    datatype: type.name,
    affine,
    data,
    scaled,
    affineSource: source,
    header,
    warnings,
  };
}

/** Largest difference (mm) between qform and sform that is float32 rounding rather than a real disagreement. */
const XFORM_TOLERANCE_MM = 0.01;

/**
 * Both transforms set and different: the sform is used (the NIfTI rule, as nibabel does), and the volume says so,
 * since a writer that left a stale qform may also have meant it (dcm2niix and nibabel warn likewise).
 */
function xformWarnings(h: NiftiHeader, used: Mat4, unit: number): string[] {
  if (!(h.sformCode > 0 && h.qformCode > 0)) return [];
  const pix: [number, number, number] = [h.pixdim[1], h.pixdim[2], h.pixdim[3]];
  const q = quaternToAffine(h.quatern, pix, h.pixdim[0] < 0 ? -1 : 1);
  if (unit !== 1) for (let i = 0; i < 12; i++) q[i] *= unit;
  const diff = maxAbsDiff(q, used);
  return diff > XFORM_TOLERANCE_MM
    ? [
        `qform and sform disagree by up to ${diff.toPrecision(3)} mm; the sform was used (sform_code ${h.sformCode}, qform_code ${h.qformCode})`,
      ]
    : [];
}

export async function readNiftiFile(path: string, opts?: ReadNiftiOptions): Promise<NiftiVolume> {
  return readNifti(new Uint8Array(await readFile(path)), opts);
}

/** 3D grid from dim[]; a 4th..7th dimension is accepted only when it is 1 (a single volume). */
export function gridDims(dim: number[]): [number, number, number] {
  const n = dim[0];
  if (!(n >= 1 && n <= 7)) throw new NiftiError('bad-header', `invalid dim[0] = ${n} (must be 1..7)`);
  for (let i = 1; i <= n; i++)
    if (!Number.isInteger(dim[i]) || dim[i] < 1) throw new NiftiError('bad-header', `invalid dim[${i}] = ${dim[i]}`);
  const extra = dim.slice(4, n + 1);
  if (extra.some((d) => d !== 1))
    throw new NiftiError('not-3d', `${n}D image (${dim.slice(1, n + 1).join('x')}); expected a single 3D volume`);
  return [dim[1], n >= 2 ? dim[2] : 1, n >= 3 ? dim[3] : 1];
}

function voxelView(
  raw: Uint8Array,
  offset: number,
  nvox: number,
  type: ReturnType<typeof datatypeInfo>,
  littleEndian: boolean,
  mustCopy: boolean,
): VoxelArray {
  const nbytes = nvox * type.bytes;
  const nativeLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const start = raw.byteOffset + offset;
  if (!mustCopy && littleEndian === nativeLE && start % type.bytes === 0) return new type.ctor(raw.buffer as ArrayBuffer, start, nvox);
  const copy = raw.slice(offset, offset + nbytes);
  if (littleEndian !== nativeLE && type.bytes > 1) swapBytes(copy, type.bytes);
  return new type.ctor(copy.buffer, 0, nvox);
}

function swapBytes(b: Uint8Array, width: number): void {
  for (let i = 0; i < b.length; i += width)
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
}

/** NIfTI: slope 0 (or NaN, as some writers emit) means "no scaling". */
function needsScaling(slope: number, inter: number): boolean {
  if (!Number.isFinite(slope) || slope === 0) return false;
  return slope !== 1 || (Number.isFinite(inter) && inter !== 0);
}

function applyScaling(data: VoxelArray, slope: number, inter: number): Float32Array {
  const b = Number.isFinite(inter) ? inter : 0;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * slope + b;
  return out;
}

/** sform when sform_code > 0, else qform when qform_code > 0, else NIfTI method 1 (pixdim scaling, no offset). */
export function headerAffine(h: NiftiHeader): { affine: Mat4; source: NiftiVolume['affineSource'] } {
  if (h.sformCode > 0) return { affine: [...h.srow, 0, 0, 0, 1], source: 'sform' };
  const pix: [number, number, number] = [h.pixdim[1], h.pixdim[2], h.pixdim[3]];
  if (h.qformCode > 0) return { affine: quaternToAffine(h.quatern, pix, h.pixdim[0] < 0 ? -1 : 1), source: 'qform' };
  const d = pix.map((v) => (v > 0 && Number.isFinite(v) ? v : 1));
  return { affine: [d[0], 0, 0, 0, 0, d[1], 0, 0, 0, 0, d[2], 0, 0, 0, 0, 1], source: 'pixdim' };
}

function spatialUnitToMm(xyztUnits: number): number {
  const unit = xyztUnits & 7;
  return unit === 1 ? 1000 : unit === 3 ? 0.001 : 1;
}

/** pixdim is the declared voxel size; fall back to the affine's column norms when pixdim is missing or invalid. */
function spacingOf(h: NiftiHeader, affine: Mat4, unit: number): [number, number, number] {
  const norms = columnNorms(affine);
  return [0, 1, 2].map((i) => {
    const p = Math.abs(h.pixdim[i + 1]);
    return p > 0 && Number.isFinite(p) ? p * unit : norms[i];
  }) as [number, number, number];
}

export { writeNifti, writeNiftiMask, sanitizeNifti } from './nifti-write';
export type { WriteNiftiOptions, SanitizeOptions } from './nifti-write';
