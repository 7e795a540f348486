import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as oracle from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { REAL_CASES, realImage, realMask } from '@/tests/imaging/nifti-fixtures';
import { readNifti, readNiftiFile, writeNifti, writeNiftiMask } from '@/lib/server/imaging/nifti';
import { orientationCode } from '@/lib/server/imaging/orientation';

const LPS_SRI24 = [-1, 0, 0, 0, 0, -1, 0, 239, 0, 0, 1, 0, 0, 0, 0, 1];
const files = REAL_CASES.flatMap((c) => [
  ...(['t1', 't1c', 't2', 'flair'] as const).map((m) => ({ path: realImage(c, m), kind: 'image' })),
  ...['fusion-mav', 'hnfnetv1-20', 'isen-20', 'sanet0-20', 'scan-20', 'yixinmpl-20'].map((m) => ({ path: realMask(c, m), kind: 'mask' })),
]);

describe('readNifti on the real cases', () => {
  it.each(files)('$path', async ({ path, kind }) => {
    const v = await readNiftiFile(path);
    expect(v.dims).toEqual([240, 240, 155]);
    expect(v.spacing).toEqual([1, 1, 1]);
    expect(v.datatype).toBe(kind === 'image' ? 'int16' : 'uint8');
    expect(v.data).toBeInstanceOf(kind === 'image' ? Int16Array : Uint8Array);
    expect(v.scaled).toBe(false);
    // sform_code is 1 in every file while qform_code is 1 or 2: the affine must come from the sform.
    expect(v.affineSource).toBe('sform');
    expect(v.affine.map((x) => x + 0)).toEqual(LPS_SRI24);
    expect(orientationCode(v.affine)).toBe('LPS');
  });

  it('decodes the same header and voxels as nifti-reader-js (independent oracle)', () => {
    const bytes = readFileSync(realImage('TCGA-FG-6692', 't1c'));
    const ours = readNifti(new Uint8Array(bytes));
    const raw = oracle.decompress(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer) as ArrayBuffer;
    const h = oracle.readHeader(raw) as oracle.NIFTI1;
    expect(ours.header.dim).toEqual(h.dims);
    expect(ours.header.qformCode).toBe(h.qform_code);
    expect(ours.header.sformCode).toBe(h.sform_code);
    expect(ours.header.quatern.b).toBeCloseTo(h.quatern_b, 6);
    const theirs = new Int16Array(oracle.readImage(h, raw));
    expect(Buffer.compare(Buffer.from(theirs.buffer), Buffer.from(ours.data.buffer, ours.data.byteOffset, ours.data.byteLength))).toBe(0);
  });

  it('reads uncompressed bytes passed as a Node Buffer (Buffer.slice is a view, not a copy)', () => {
    const raw = gunzipSync(readFileSync(realImage('TCGA-DU-7294', 't1')));
    const v = readNifti(raw);
    let min = Infinity,
      max = -Infinity;
    for (const x of v.data) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect([min, max]).toEqual([-69, 837]); // nibabel's values for this file
    expect(v.data.buffer).not.toBe(raw.buffer); // caller-owned input is copied, never aliased
  });
});

describe('writeNiftiMask', () => {
  it('round-trips a real mask voxel-identically on the source grid and affine', async () => {
    const image = await readNiftiFile(realImage('TCGA-FG-6692', 'flair'));
    const mask = await readNiftiFile(realMask('TCGA-FG-6692'));
    const bytes = writeNiftiMask(mask.data as Uint8Array, image);
    expect(bytes[0]).toBe(0x1f); // gzipped
    const back = readNifti(bytes);
    expect(back.datatype).toBe('uint8');
    expect(back.dims).toEqual(image.dims);
    expect(back.affine).toEqual(image.affine);
    expect(Buffer.compare(Buffer.from(back.data as Uint8Array), Buffer.from(mask.data as Uint8Array))).toBe(0);
    // sform and qform both set and describing the same grid; no free text.
    expect(back.header.sformCode).toBeGreaterThan(0);
    expect(back.header.qformCode).toBe(back.header.sformCode);
    const viaQform = readNifti(patchSformCode(bytes, 0));
    expect(viaQform.affineSource).toBe('qform');
    viaQform.affine.forEach((x, i) => expect(x).toBeCloseTo(image.affine[i], 5));
    expect([back.header.descrip, back.header.auxFile, back.header.intentName, back.header.extensions.length]).toEqual(['', '', '', 0]);
  });

  it('refuses a mask whose length does not match the grid', async () => {
    const image = await readNiftiFile(realImage('TCGA-FG-6692', 'flair'));
    expect(() => writeNiftiMask(new Uint8Array(10), image)).toThrow(/voxels/);
  });
});

describe('writeNifti', () => {
  it.each([
    ['float32', Float32Array.from([0.5, -1.25, 3e10, 7, 8, 9])],
    ['float64', Float64Array.from([0.1, -1e-300, 1e300, 7, 8, 9])],
    ['uint16', Uint16Array.from([0, 1, 65535, 7, 8, 9])],
    ['int32', Int32Array.from([-(2 ** 31), 1, 2 ** 31 - 1, 7, 8, 9])],
  ] as const)('round-trips %s exactly', (name, data) => {
    const affine = [0, 0, 2.5, -30, -1.5, 0, 0, 12, 0, 1, 0, 5, 0, 0, 0, 1];
    const back = readNifti(writeNifti({ dims: [1, 2, 3], affine, data }, { gzip: false }));
    expect(back.datatype).toBe(name);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(back.affine).toEqual(affine);
    expect(back.spacing).toEqual([1.5, 1, 2.5]);
  });
});

function patchSformCode(gz: Uint8Array, code: number): Uint8Array {
  const raw = new Uint8Array(gunzipSync(gz));
  new DataView(raw.buffer).setInt16(254, code, true);
  return raw;
}
