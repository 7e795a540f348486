import 'server-only';
import { gzipSync } from 'node:zlib';
import { affineToQuatern, type Mat4 } from './affine';
import { DATATYPES, parseHeader } from './nifti-header';
import { gunzipLimited, isGzip, plainBytes } from './gzip';
import type { NiftiVolume, VoxelArray } from './nifti-volume';

export interface WriteNiftiOptions {
  /** gzip the output (.nii.gz); default true */
  gzip?: boolean;
  /** zlib level 1..9; default 6 */
  level?: number;
  /** zlib strategy; Z_RLE is ~1.5x faster than the default for skull-stripped images (long zero runs) */
  strategy?: number;
  /** qform_code and sform_code to write; default: the source's sform/qform code, else 1 (scanner anatomical) */
  xformCode?: number;
}

type WritableVolume = Pick<NiftiVolume, 'dims' | 'affine' | 'data'> & { header?: Pick<NiftiVolume['header'], 'sformCode' | 'qformCode'> };

const HEADER_SIZE = 348;
const VOX_OFFSET = 352;

/**
 * Writes a NIfTI-1 file (datatype taken from the data's array type) with matching sform and qform and no free text.
 * The sform carries the affine exactly (float32); the qform is its rigid part, identical unless the affine has shear.
 */
export function writeNifti(volume: WritableVolume, opts: WriteNiftiOptions = {}): Uint8Array {
  const [nx, ny, nz] = volume.dims;
  if (volume.data.length !== nx * ny * nz)
    throw new Error(`data has ${volume.data.length} voxels but dims ${volume.dims.join('x')} need ${nx * ny * nz}`);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('writeNifti assumes a little-endian host');
  const code = datatypeCodeOf(volume.data);
  const xform = opts.xformCode ?? (volume.header?.sformCode || volume.header?.qformCode || 1);
  const header = encodeHeader(volume.dims, code, volume.affine, xform);
  const body = new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength);
  const out = new Uint8Array(VOX_OFFSET + body.length);
  out.set(header, 0);
  out.set(body, VOX_OFFSET);
  return opts.gzip === false ? out : new Uint8Array(gzipSync(out, { level: opts.level ?? 6, strategy: opts.strategy }));
}

/** A segmentation mask on exactly the grid and affine of `like` (gzipped NIfTI-1 uint8). */
export function writeNiftiMask(mask: Uint8Array, like: WritableVolume, opts: WriteNiftiOptions = {}): Uint8Array {
  return writeNifti({ dims: like.dims, affine: like.affine, data: mask, header: like.header }, opts);
}

function datatypeCodeOf(data: VoxelArray): number {
  for (const [code, info] of Object.entries(DATATYPES)) if (data instanceof info.ctor) return Number(code);
  throw new Error('unsupported typed array for NIfTI output');
}

function encodeHeader(dims: [number, number, number], datatype: number, affine: Mat4, xform: number): Uint8Array {
  const buf = new Uint8Array(VOX_OFFSET);
  const v = new DataView(buf.buffer);
  const q = affineToQuatern(affine);
  const bytes = DATATYPES[datatype as keyof typeof DATATYPES].bytes;
  v.setInt32(0, HEADER_SIZE, true);
  buf[38] = 'r'.charCodeAt(0); // "regular", as every NIfTI writer sets it for Analyze readers
  [3, dims[0], dims[1], dims[2], 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + i * 2, d, true));
  v.setInt16(70, datatype, true);
  v.setInt16(72, bytes * 8, true);
  [q.qfac, ...q.pixdim, 0, 0, 0, 0].forEach((p, i) => v.setFloat32(76 + i * 4, p, true));
  v.setFloat32(108, VOX_OFFSET, true);
  v.setFloat32(112, 1, true); // scl_slope 1, scl_inter 0: values are stored as-is
  buf[123] = 2; // xyzt_units: mm
  v.setInt16(252, xform, true);
  v.setInt16(254, xform, true);
  [q.b, q.c, q.d, q.x, q.y, q.z].forEach((x, i) => v.setFloat32(256 + i * 4, x, true));
  for (let i = 0; i < 12; i++) v.setFloat32(280 + i * 4, affine[i], true);
  buf.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  return buf; // bytes 348..351 (extension flag) stay 0
}

export interface SanitizeOptions {
  maxInflatedBytes?: number;
  gzip?: boolean;
  level?: number;
}

/**
 * A copy of a NIfTI file safe to store: free-text fields that may carry PHI (descrip, aux_file, intent_name and the
 * legacy Analyze data_type/db_name) are zeroed and header extensions (DICOM tags, XML) are dropped; voxels, grid and
 * byte order are untouched.
 */
export function sanitizeNifti(input: Uint8Array, opts: SanitizeOptions = {}): Uint8Array {
  const bytes = plainBytes(input);
  const raw = isGzip(bytes) ? gunzipLimited(bytes, opts.maxInflatedBytes) : bytes;
  const h = parseHeader(raw);
  const body = raw.subarray(h.voxOffset);
  const out = new Uint8Array(h.headerSize + 4 + body.length);
  out.set(raw.subarray(0, h.headerSize), 0);
  out.set(body, h.headerSize + 4);
  const v = new DataView(out.buffer);
  const textFields: [number, number][] =
    h.version === 1
      ? [
          [4, 10],
          [14, 18],
          [148, 80],
          [228, 24],
          [328, 16],
        ]
      : [
          [240, 80],
          [320, 24],
          [508, 16],
        ];
  for (const [at, n] of textFields) out.fill(0, at, at + n);
  if (h.version === 1) v.setFloat32(108, h.headerSize + 4, h.littleEndian);
  else v.setBigInt64(168, BigInt(h.headerSize + 4), h.littleEndian);
  return opts.gzip === false ? out : new Uint8Array(gzipSync(out, { level: opts.level ?? 6 }));
}
