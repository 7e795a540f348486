import { describe, expect, it } from 'vitest';
import { writeNiftiMask } from '@/lib/server/imaging/nifti';
import { nativeToRas, parseMaskNifti, rasToNative, type RasMapping } from '@/lib/editor/mask-file';
import { gunzipSync } from 'node:zlib';

// LPS volume (the real cases): x and y run backwards relative to RAS, as NiiVue's img2RASstart/step express it.
const dims: [number, number, number] = [4, 3, 2];
const lps: RasMapping = { dims, start: [3, 2 * 4, 0], step: [-1, -4, 12] };

describe('mask files in the browser', () => {
  it('reads the uint8 NIfTI-1 the server writes, header and voxels', () => {
    const mask = Uint8Array.from({ length: 24 }, (_, i) => i % 4);
    const affine = [-1, 0, 0, 3, 0, -1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 1];
    const file = parseMaskNifti(new Uint8Array(gunzipSync(writeNiftiMask(mask, { dims, affine, data: mask }))));
    expect(file?.dims).toEqual(dims);
    expect(file?.srow).toEqual(affine.slice(0, 12));
    expect([...file!.data]).toEqual([...mask]);
  });

  it('declines what it does not handle (the caller then uses NiiVue)', () => {
    expect(parseMaskNifti(new Uint8Array(100))).toBeNull();
    const bytes = new Uint8Array(
      gunzipSync(
        writeNiftiMask(new Uint8Array(24), { dims, affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], data: new Uint8Array(24) }),
      ),
    );
    new DataView(bytes.buffer).setInt16(70, 4, true); // int16
    expect(parseMaskNifti(bytes)).toBeNull();
  });

  it('reorients native <-> RAS as NiiVue does, and back exactly', () => {
    const native = Uint8Array.from({ length: 24 }, (_, i) => i);
    const ras = nativeToRas(native, lps);
    // RAS voxel (0,0,0) is native (3,2,0): the far corner of the first slice
    expect(ras[0]).toBe(3 + 2 * 4);
    expect(ras[1]).toBe(2 + 2 * 4);
    expect([...rasToNative(ras, lps)]).toEqual([...native]);
  });
});
