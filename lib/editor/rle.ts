/**
 * Run-length coding of a label mask for drafts: a tumour mask is a few long runs per row, so an 8.9M-voxel mask shrinks
 * to tens of kilobytes in a few milliseconds (no CompressionStream round trip needed inside an unload handler).
 * Format: "TWR1", uint32 LE voxel count, then (value byte, LEB128 run length) pairs.
 */
const MAGIC = [0x54, 0x57, 0x52, 0x31];

export function encodeRle(mask: Uint8Array): Uint8Array {
  let out = new Uint8Array(4096);
  let n = 0;
  const ensure = (k: number) => {
    if (n + k <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, n + k));
    bigger.set(out.subarray(0, n));
    out = bigger;
  };
  ensure(8);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, mask.length, true);
  n = 8;
  let i = 0;
  while (i < mask.length) {
    const v = mask[i];
    let j = i + 1;
    while (j < mask.length && mask[j] === v) j++;
    let run = j - i;
    ensure(6);
    out[n++] = v;
    do {
      let byte = run & 0x7f;
      run = Math.floor(run / 128);
      if (run > 0) byte |= 0x80;
      out[n++] = byte;
    } while (run > 0);
    i = j;
  }
  return out.slice(0, n);
}

export function decodeRle(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 8 || MAGIC.some((b, k) => bytes[k] !== b)) throw new Error('not a run-length coded mask');
  const total = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const mask = new Uint8Array(total);
  let pos = 8,
    at = 0;
  while (pos < bytes.length) {
    const v = bytes[pos++];
    let run = 0,
      scale = 1,
      byte: number;
    do {
      if (pos >= bytes.length) throw new Error('truncated run-length mask');
      byte = bytes[pos++];
      run += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    if (at + run > total) throw new Error('run-length mask overflows its declared size');
    if (v !== 0) mask.fill(v, at, at + run);
    at += run;
  }
  if (at !== total) throw new Error(`run-length mask holds ${at} voxels, expected ${total}`);
  return mask;
}
