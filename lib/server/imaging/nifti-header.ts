import 'server-only';
import { NiftiError } from './errors';
import { plainBytes } from './gzip';

/** Datatypes a volume may hold. int64/complex/RGB have no use in BraTS-style segmentation and are refused. */
export const DATATYPES = {
  2: { name: 'uint8', bytes: 1, ctor: Uint8Array },
  256: { name: 'int8', bytes: 1, ctor: Int8Array },
  4: { name: 'int16', bytes: 2, ctor: Int16Array },
  512: { name: 'uint16', bytes: 2, ctor: Uint16Array },
  8: { name: 'int32', bytes: 4, ctor: Int32Array },
  768: { name: 'uint32', bytes: 4, ctor: Uint32Array },
  16: { name: 'float32', bytes: 4, ctor: Float32Array },
  64: { name: 'float64', bytes: 8, ctor: Float64Array },
} as const;
export type DatatypeCode = keyof typeof DATATYPES;
export type DatatypeName = (typeof DATATYPES)[DatatypeCode]['name'];

const UNSUPPORTED_NAMES: Record<number, string> = {
  1: 'binary (1-bit)',
  32: 'complex64',
  128: 'rgb24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

export interface NiftiExtension {
  code: number;
  data: Uint8Array;
}

/** Raw header fields, normalised across NIfTI-1 and NIfTI-2. */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  headerSize: 348 | 540;
  datatypeCode: number;
  bitpix: number;
  dim: number[];
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  qformCode: number;
  sformCode: number;
  quatern: { b: number; c: number; d: number; x: number; y: number; z: number };
  /** srow_x, srow_y, srow_z: the first three rows of the sform, 12 numbers */
  srow: number[];
  xyztUnits: number;
  intentCode: number;
  intentName: string;
  descrip: string;
  auxFile: string;
  dimInfo: number;
  sliceCode: number;
  extensions: NiftiExtension[];
}

/** Which header layout (if any) the bytes start with; throws a 'not-nifti' error naming what it found instead. */
export function detectVersion(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } {
  if (bytes.length < 348) throw new NiftiError('not-nifti', `not a NIfTI file: only ${bytes.length} bytes, shorter than a NIfTI header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = [view.getInt32(0, true), view.getInt32(0, false)];
  const text = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (size.includes(348)) {
    const magic = text(344, 4);
    if (magic === 'n+1\0') return { version: 1, littleEndian: size[0] === 348 };
    if (magic === 'ni1\0') throw new NiftiError('not-nifti', 'a NIfTI .hdr/.img pair header: upload a single-file .nii or .nii.gz');
    throw new NiftiError('not-nifti', 'not a NIfTI-1 file: header size is 348 but the "n+1" magic is missing (Analyze 7.5?)');
  }
  if (size.includes(540) && bytes.length >= 540) {
    if (text(4, 4) === 'n+2\0') return { version: 2, littleEndian: size[0] === 540 };
    throw new NiftiError('not-nifti', 'not a NIfTI-2 file: header size is 540 but the "n+2" magic is missing');
  }
  throw new NiftiError('not-nifti', 'not a NIfTI file: wrong header size / magic');
}

/**
 * Parses the fixed header, srow and extensions. Our own reader, not nifti-reader-js: that package is ESM-only
 * ("exports" has only an "import" condition), so the CommonJS CLIs and the tsx worker cannot load it, and it prefers
 * the qform whenever qform_code > sform_code, contrary to our sform-first contract. Tests use it as an oracle.
 */
export function parseHeader(input: Uint8Array): NiftiHeader {
  const bytes = plainBytes(input);
  const { version, littleEndian: le } = detectVersion(bytes);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number, n: number) => cString(bytes.subarray(at, at + n));
  const f = version === 1 ? NIFTI1_LAYOUT : NIFTI2_LAYOUT;
  const int = (at: number) => (version === 1 ? v.getInt16(at, le) : Number(v.getBigInt64(at, le)));
  const real = (at: number) => (version === 1 ? v.getFloat32(at, le) : v.getFloat64(at, le));
  const code = (at: number) => (version === 1 ? v.getInt16(at, le) : v.getInt32(at, le));
  const realStep = version === 1 ? 4 : 8;
  const dim = Array.from({ length: 8 }, (_, i) => int(f.dim + i * (version === 1 ? 2 : 8)));
  const pixdim = Array.from({ length: 8 }, (_, i) => real(f.pixdim + i * realStep));
  const headerSize = version === 1 ? 348 : 540;
  const rawOffset = version === 1 ? v.getFloat32(108, le) : Number(v.getBigInt64(168, le));
  if (!Number.isFinite(rawOffset) || rawOffset < 0 || rawOffset !== Math.floor(rawOffset))
    throw new NiftiError('bad-header', `invalid vox_offset ${rawOffset}`);
  // A single file cannot start its data inside the header + extension flag: clamp as nifti1_io does.
  const voxOffset = Math.max(rawOffset, headerSize + 4);
  return {
    version,
    littleEndian: le,
    headerSize,
    datatypeCode: v.getInt16(f.datatype, le),
    bitpix: v.getInt16(f.datatype + 2, le),
    dim,
    pixdim,
    voxOffset,
    sclSlope: real(f.sclSlope),
    sclInter: real(f.sclSlope + realStep),
    calMax: real(f.calMax),
    calMin: real(f.calMax + realStep),
    qformCode: code(f.qformCode),
    sformCode: code(f.qformCode + (version === 1 ? 2 : 4)),
    quatern: {
      b: real(f.quatern),
      c: real(f.quatern + realStep),
      d: real(f.quatern + 2 * realStep),
      x: real(f.quatern + 3 * realStep),
      y: real(f.quatern + 4 * realStep),
      z: real(f.quatern + 5 * realStep),
    },
    srow: Array.from({ length: 12 }, (_, i) => real(f.srow + i * realStep)),
    xyztUnits: version === 1 ? bytes[123] : v.getInt32(500, le),
    intentCode: version === 1 ? v.getInt16(68, le) : v.getInt32(504, le),
    intentName: text(f.intentName, 16),
    descrip: text(f.descrip, 80),
    auxFile: text(f.descrip + 80, 24),
    dimInfo: version === 1 ? bytes[39] : bytes[524],
    sliceCode: version === 1 ? bytes[122] : v.getInt32(496, le),
    extensions: readExtensions(bytes, v, headerSize, voxOffset, le),
  };
}

/** Byte offsets of the fields whose position differs between the two header versions. */
const NIFTI1_LAYOUT = {
  dim: 40,
  datatype: 70,
  pixdim: 76,
  sclSlope: 112,
  calMax: 124,
  descrip: 148,
  qformCode: 252,
  quatern: 256,
  srow: 280,
  intentName: 328,
};
const NIFTI2_LAYOUT = {
  dim: 16,
  datatype: 12,
  pixdim: 104,
  sclSlope: 176,
  calMax: 192,
  descrip: 240,
  qformCode: 344,
  quatern: 352,
  srow: 400,
  intentName: 508,
};

/** Extensions sit between the 4-byte flag and vox_offset, each (esize, ecode, data) with esize a multiple of 16. */
function readExtensions(bytes: Uint8Array, view: DataView, headerSize: number, voxOffset: number, le: boolean) {
  const out: NiftiExtension[] = [];
  if (bytes.length < headerSize + 4 || bytes[headerSize] === 0) return out;
  let at = headerSize + 4;
  while (at + 8 <= voxOffset) {
    const esize = view.getInt32(at, le);
    if (esize === 0) break;
    if (esize < 16 || esize % 16 !== 0 || at + esize > voxOffset || at + esize > bytes.length)
      throw new NiftiError('bad-header', `malformed header extension at byte ${at} (esize ${esize})`);
    out.push({ code: view.getInt32(at + 4, le), data: bytes.slice(at + 8, at + esize) });
    at += esize;
  }
  return out;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return String.fromCharCode(...(end < 0 ? b : b.subarray(0, end)));
}

export function datatypeInfo(code: number) {
  const info = DATATYPES[code as DatatypeCode];
  if (info) return info;
  const name = UNSUPPORTED_NAMES[code] ?? `code ${code}`;
  throw new NiftiError(
    'unsupported-datatype',
    `unsupported datatype ${name}; expected one of ${Object.values(DATATYPES)
      .map((d) => d.name)
      .join(', ')}`,
  );
}
