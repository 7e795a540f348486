/**
 * Hand-built NIfTI bytes for tests, written field by field from the NIfTI-1/2 specifications and independent of the
 * product writer, so reader tests do not check the writer against itself.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const REAL_DIR = path.resolve(__dirname, '../../../shared/data/real');
export const REAL_CASES = ['TCGA-DU-7294', 'TCGA-FG-6692'];
export const realImage = (c: string, name: 't1' | 't1c' | 't2' | 'flair') => path.join(REAL_DIR, c, 'images', `${name}.nii.gz`);
export const realMask = (c: string, name = 'fusion-mav') => path.join(REAL_DIR, c, 'masks', `${name}.nii.gz`);

export interface Fixture {
  version?: 1 | 2;
  dim: number[]; // dim[0..7]
  datatype: number;
  bitpix: number;
  pixdim?: number[]; // pixdim[0..7]
  voxOffset?: number;
  slope?: number;
  inter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number, number, number, number]; // b c d qx qy qz
  srow?: number[]; // 12
  xyztUnits?: number;
  descrip?: string;
  auxFile?: string;
  intentName?: string;
  extensions?: { code: number; data: Uint8Array }[];
  data: Uint8Array; // voxel bytes as they go into the file
  littleEndian?: boolean;
  gzip?: boolean;
  magic?: string;
  extraBytes?: number;
}

export function buildNifti(f: Fixture): Uint8Array {
  const v2 = f.version === 2;
  const hsize = v2 ? 540 : 348;
  const le = f.littleEndian ?? true;
  const extBytes = (f.extensions ?? []).reduce((s, e) => s + Math.ceil((e.data.length + 8) / 16) * 16, 0);
  const voxOffset = f.voxOffset ?? hsize + 4 + extBytes;
  const out = new Uint8Array(voxOffset + f.data.length + (f.extraBytes ?? 0));
  const v = new DataView(out.buffer);
  const real = (at: number, x: number) => (v2 ? v.setFloat64(at, x, le) : v.setFloat32(at, x, le));
  const str = (at: number, s: string) =>
    out.set(
      [...s].map((c) => c.charCodeAt(0)),
      at,
    );
  v.setInt32(0, hsize, le);
  const pixdim = f.pixdim ?? [1, 1, 1, 1, 0, 0, 0, 0];
  if (v2) {
    str(4, f.magic ?? 'n+2\0\r\n\x1a\n');
    v.setInt16(12, f.datatype, le);
    v.setInt16(14, f.bitpix, le);
    f.dim.forEach((d, i) => v.setBigInt64(16 + i * 8, BigInt(d), le));
    pixdim.forEach((p, i) => v.setFloat64(104 + i * 8, p, le));
    v.setBigInt64(168, BigInt(voxOffset), le);
  } else {
    f.dim.forEach((d, i) => v.setInt16(40 + i * 2, d, le));
    v.setInt16(70, f.datatype, le);
    v.setInt16(72, f.bitpix, le);
    pixdim.forEach((p, i) => v.setFloat32(76 + i * 4, p, le));
    v.setFloat32(108, voxOffset, le);
    str(344, f.magic ?? 'n+1\0');
  }
  const L = v2
    ? { slope: 176, descrip: 240, aux: 320, qcode: 344, quatern: 352, srow: 400, units: 500, intent: 508, step: 8 }
    : { slope: 112, descrip: 148, aux: 228, qcode: 252, quatern: 256, srow: 280, units: 123, intent: 328, step: 4 };
  real(L.slope, f.slope ?? 0);
  real(L.slope + L.step, f.inter ?? 0);
  str(L.descrip, f.descrip ?? '');
  str(L.aux, f.auxFile ?? '');
  str(L.intent, f.intentName ?? '');
  if (v2) {
    v.setInt32(L.qcode, f.qformCode ?? 0, le);
    v.setInt32(L.qcode + 4, f.sformCode ?? 0, le);
    v.setInt32(L.units, f.xyztUnits ?? 2, le);
  } else {
    v.setInt16(L.qcode, f.qformCode ?? 0, le);
    v.setInt16(L.qcode + 2, f.sformCode ?? 0, le);
    out[L.units] = f.xyztUnits ?? 2;
  }
  (f.quatern ?? [0, 0, 0, 0, 0, 0]).forEach((q, i) => real(L.quatern + i * L.step, q));
  (f.srow ?? new Array(12).fill(0)).forEach((s, i) => real(L.srow + i * L.step, s));
  if (f.extensions?.length) {
    out[hsize] = 1;
    let at = hsize + 4;
    for (const e of f.extensions) {
      const esize = Math.ceil((e.data.length + 8) / 16) * 16;
      v.setInt32(at, esize, le);
      v.setInt32(at + 4, e.code, le);
      out.set(e.data, at + 8);
      at += esize;
    }
  }
  out.set(f.data, voxOffset);
  return f.gzip ? new Uint8Array(gzipSync(out)) : out;
}

/** Voxel bytes of a typed array in the requested byte order. */
export function voxelBytes(a: ArrayBufferView & { length: number; BYTES_PER_ELEMENT: number }, littleEndian = true): Uint8Array {
  const b = new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  if (!littleEndian && a.BYTES_PER_ELEMENT > 1)
    for (let i = 0; i < b.length; i += a.BYTES_PER_ELEMENT) b.subarray(i, i + a.BYTES_PER_ELEMENT).reverse();
  return b;
}

/** A small int16 volume with an identity-ish sform, handy as a valid base for malformed variants. */
export function smallInt16(dims: [number, number, number] = [8, 7, 6], opts: Partial<Fixture> = {}): Uint8Array {
  const n = dims[0] * dims[1] * dims[2];
  const data = Int16Array.from({ length: n }, (_, i) => (i * 7) % 300);
  return buildNifti({
    dim: [3, ...dims, 1, 1, 1, 1],
    datatype: 4,
    bitpix: 16,
    pixdim: [1, 1, 1, 1, 0, 0, 0, 0],
    sformCode: 1,
    srow: [-1, 0, 0, 0, 0, -1, 0, dims[1] - 1, 0, 0, 1, 0],
    data: voxelBytes(data),
    gzip: true,
    ...opts,
  });
}
