/**
 * The browser's fast path for label masks. NiiVue's generic loader spends seconds on an 8.9M-voxel mask (intensity
 * statistics a label map does not need); a uint8 NIfTI-1 is a 352-byte header and raw voxels, so it is read here and
 * reoriented with the background volume's own index mapping. Anything unusual returns null and the caller falls back
 * to NiiVue's loader.
 */

export interface MaskFile {
  dims: [number, number, number];
  /** sform rows (12 numbers) when sform_code > 0, else null */
  srow: number[] | null;
  /** voxels in the file's native order, x fastest */
  data: Uint8Array;
}

export function parseMaskNifti(raw: Uint8Array): MaskFile | null {
  if (raw.length < 352) return null;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = view.getInt32(0, true) === 348;
  if (!le && view.getInt32(0, false) !== 348) return null; // NIfTI-2 or not NIfTI: let NiiVue handle it
  const i16 = (o: number) => view.getInt16(o, le);
  const f32 = (o: number) => view.getFloat32(o, le);
  const ndim = i16(40);
  const dims: [number, number, number] = [i16(42), i16(44), ndim >= 3 ? i16(46) : 1];
  for (let d = 4; d <= ndim && d <= 7; d++) if (i16(40 + 2 * d) > 1) return null;
  if (i16(70) !== 2 || i16(72) !== 8) return null; // uint8 only
  const slope = f32(112),
    inter = f32(116);
  if (Number.isFinite(slope) && slope !== 0 && (slope !== 1 || (Number.isFinite(inter) && inter !== 0))) return null;
  const offset = Math.round(f32(108));
  const n = dims[0] * dims[1] * dims[2];
  if (dims.some((d) => d < 1) || offset < 348 || raw.length < offset + n) return null;
  const srow = i16(254) > 0 ? Array.from({ length: 12 }, (_, k) => f32(280 + 4 * k)) : null;
  return { dims, srow, data: raw.subarray(offset, offset + n) };
}

/** NiiVue's reorientation of a volume into its RAS grid: output index x + y*nx + z*nx*ny reads native start + x*step0 + ... */
export interface RasMapping {
  /** RAS grid size */
  dims: [number, number, number];
  start: [number, number, number];
  step: [number, number, number];
}

export function nativeToRas(native: Uint8Array, m: RasMapping): Uint8Array {
  const [nx, ny, nz] = m.dims;
  const out = new Uint8Array(nx * ny * nz);
  let j = 0;
  for (let z = 0; z < nz; z++) {
    const zi = m.start[2] + z * m.step[2];
    for (let y = 0; y < ny; y++) {
      const yi = zi + m.start[1] + y * m.step[1];
      for (let x = 0; x < nx; x++) out[j++] = native[yi + m.start[0] + x * m.step[0]];
    }
  }
  return out;
}

export function rasToNative(ras: Uint8Array, m: RasMapping): Uint8Array {
  const [nx, ny, nz] = m.dims;
  const out = new Uint8Array(nx * ny * nz);
  let j = 0;
  for (let z = 0; z < nz; z++) {
    const zi = m.start[2] + z * m.step[2];
    for (let y = 0; y < ny; y++) {
      const yi = zi + m.start[1] + y * m.step[1];
      for (let x = 0; x < nx; x++) out[yi + m.start[0] + x * m.step[0]] = ras[j++];
    }
  }
  return out;
}
