'use client';
import { NVImage, type Niivue } from '@niivue/niivue';
import { nativeToRas, parseMaskNifti, type MaskFile, type RasMapping } from '@/lib/editor/mask-file';

/**
 * Decodes a NIfTI mask on the case grid into the RAS drawing grid: directly for the uint8 NIfTI-1 the server writes
 * (milliseconds), through NiiVue's loader for anything else (seconds: it computes intensity statistics). What is shown
 * does not change.
 */
export async function decodeMaskBytes(nv: Niivue, bytes: ArrayBuffer): Promise<Uint8Array> {
  const fast = nv.back ? await decodeMaskFast(nv.back, bytes) : null;
  if (fast) return fast;
  const image = await NVImage.loadFromUrl({ url: bytes, name: 'mask.nii.gz' });
  const shown = nv.drawBitmap;
  if (!nv.loadDrawing(image) || !nv.drawBitmap) throw new Error('The mask is not on the grid of the case volumes.');
  const decoded = nv.drawBitmap;
  if (shown) nv.drawBitmap = shown;
  nv.refreshDrawing(true);
  return decoded;
}

/** The mask as an (uncompressed) NIfTI in the volumes' native orientation, with the shown volume's header and affine. */
export async function encodeMaskBytes(nv: Niivue, mask: Uint8Array): Promise<Uint8Array> {
  const shown = nv.drawBitmap;
  nv.drawBitmap = mask;
  try {
    const out = await nv.saveImage({ filename: '', isSaveDrawing: true, volumeByIndex: 0 });
    if (!(out instanceof Uint8Array)) throw new Error('NiiVue could not export the mask');
    return out;
  } finally {
    nv.drawBitmap = shown;
  }
}

/**
 * The fast path alone: a mask on exactly `volume`'s grid and affine, reoriented with that volume's own mapping. Needs
 * no WebGL, so it can run before the volume is uploaded (the upload then cannot delay it). Null: use the slow path.
 */
export async function decodeMaskFast(volume: NVImage, bytes: ArrayBuffer): Promise<Uint8Array | null> {
  const file = parseMaskNifti(await gunzipIfNeeded(new Uint8Array(bytes)));
  const mapping = file && rasMapping(volume, file);
  return file && mapping ? nativeToRas(file.data, mapping) : null;
}

function rasMapping(back: NVImage, file: MaskFile): RasMapping | null {
  const affine = back?.hdr?.affine;
  if (!back?.hdr || !back.dimsRAS || !back.img2RASstart || !back.img2RASstep || !affine || !file.srow) return null;
  if (file.dims.some((d, i) => d !== back.hdr!.dims[i + 1])) return null;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) if (Math.abs(affine[r][c] - file.srow[r * 4 + c]) > 1e-3) return null;
  const [, nx, ny, nz] = back.dimsRAS;
  const [s0, s1, s2] = back.img2RASstep;
  const [a0, a1, a2] = back.img2RASstart;
  return { dims: [nx, ny, nz], start: [a0, a1, a2], step: [s0, s1, s2] };
}

async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  // A Response over the bytes in hand (a Blob stream would round-trip through the browser process).
  const inflated = new Response(bytes as Uint8Array<ArrayBuffer>).body!.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}
