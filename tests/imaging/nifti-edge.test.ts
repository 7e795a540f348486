import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildNifti, smallInt16, voxelBytes } from '@/tests/imaging/nifti-fixtures';
import { NiftiError } from '@/lib/server/imaging/errors';
import { readNifti, sanitizeNifti } from '@/lib/server/imaging/nifti';
import { orientationCode } from '@/lib/server/imaging/orientation';

const dim3 = (x: number, y: number, z: number) => [3, x, y, z, 1, 1, 1, 1];
const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i * 0.5 - 3);

describe('readNifti synthetic edge cases', () => {
  it('float64 data', () => {
    const data = ramp(24);
    const v = readNifti(
      buildNifti({
        dim: dim3(2, 3, 4),
        datatype: 64,
        bitpix: 64,
        data: voxelBytes(data),
        sformCode: 1,
        srow: [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3],
      }),
    );
    expect(v.datatype).toBe('float64');
    expect(v.data).toBeInstanceOf(Float64Array);
    expect(Array.from(v.data)).toEqual(Array.from(data));
    expect(v.affine).toEqual([2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1]);
  });

  it('sform_code 0 falls back to the qform (180 deg about z, qfac -1: an LPI grid)', () => {
    // quaternion (b,c,d) = (0,0,1) is a 180-degree rotation about z; qfac = pixdim[0] = -1 flips k.
    const v = readNifti(
      buildNifti({
        dim: dim3(4, 4, 4),
        datatype: 2,
        bitpix: 8,
        data: new Uint8Array(64),
        qformCode: 1,
        sformCode: 0,
        pixdim: [-1, 1.5, 2, 3, 0, 0, 0, 0],
        quatern: [0, 0, 1, 10, 20, 30],
        srow: [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], // ignored: sform_code is 0
      }),
    );
    expect(v.affineSource).toBe('qform');
    expect(v.affine.map((x) => x + 0)).toEqual([-1.5, 0, 0, 10, 0, -2, 0, 20, 0, 0, -3, 30, 0, 0, 0, 1]);
    expect(orientationCode(v.affine)).toBe('LPI');
    expect(v.spacing).toEqual([1.5, 2, 3]);
  });

  it('sform preferred over qform even when qform_code is larger', () => {
    const v = readNifti(
      buildNifti({
        dim: dim3(2, 2, 2),
        datatype: 2,
        bitpix: 8,
        data: new Uint8Array(8),
        qformCode: 4,
        sformCode: 1,
        quatern: [0, 0, 1, 0, 0, 0],
        srow: [1, 0, 0, 5, 0, 1, 0, 6, 0, 0, 1, 7],
      }),
    );
    expect(v.affineSource).toBe('sform');
    expect(v.affine.slice(0, 12)).toEqual([1, 0, 0, 5, 0, 1, 0, 6, 0, 0, 1, 7]);
  });

  it('no transform at all: pixdim scaling (NIfTI method 1)', () => {
    const v = readNifti(
      buildNifti({ dim: dim3(2, 2, 2), datatype: 2, bitpix: 8, data: new Uint8Array(8), pixdim: [0, 0.8, 0.8, 4, 0, 0, 0, 0] }),
    );
    expect(v.affineSource).toBe('pixdim');
    expect(v.affine).toEqual([0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1].map(Math.fround));
  });

  it('oblique sform: orientation is the nearest axes, spacing from pixdim', () => {
    const t = (20 * Math.PI) / 180;
    // 20 degrees about x on an LPS-like base: still closest to L, P, S.
    const srow = [-1, 0, 0, 0, 0, -Math.cos(t), -Math.sin(t) * 3, 0, 0, -Math.sin(t), Math.cos(t) * 3, 0];
    const v = readNifti(
      buildNifti({
        dim: dim3(3, 3, 3),
        datatype: 2,
        bitpix: 8,
        data: new Uint8Array(27),
        pixdim: [1, 1, 1, 3, 0, 0, 0, 0],
        sformCode: 2,
        srow,
      }),
    );
    expect(orientationCode(v.affine)).toBe('LPS');
    expect(v.spacing).toEqual([1, 1, 3]);
  });

  it('anisotropic thick slices (0.9 x 0.9 x 5 mm)', () => {
    const v = readNifti(
      smallInt16([10, 10, 3], { pixdim: [1, 0.9, 0.9, 5, 0, 0, 0, 0], srow: [-0.9, 0, 0, 0, 0, -0.9, 0, 0, 0, 0, 5, 0] }),
    );
    expect(v.spacing.map((s) => +s.toFixed(5))).toEqual([0.9, 0.9, 5]);
    expect(v.dims).toEqual([10, 10, 3]);
  });

  it('header extensions are parsed', () => {
    const json = new TextEncoder().encode('{"PatientName":"Doe^Jane"}');
    const v = readNifti(
      buildNifti({
        dim: dim3(2, 2, 2),
        datatype: 2,
        bitpix: 8,
        data: new Uint8Array(8),
        extensions: [
          { code: 32, data: json },
          { code: 6, data: new Uint8Array([1, 2, 3]) },
        ],
      }),
    );
    expect(v.header.extensions.map((e) => e.code)).toEqual([32, 6]);
    expect(new TextDecoder().decode(v.header.extensions[0].data).replace(/\0+$/, '')).toBe('{"PatientName":"Doe^Jane"}');
  });

  it('NIfTI-2 (int64 dims, float64 sform)', () => {
    const data = Int16Array.from({ length: 30 }, (_, i) => i - 15);
    const v = readNifti(
      buildNifti({
        version: 2,
        dim: dim3(5, 3, 2),
        datatype: 4,
        bitpix: 16,
        data: voxelBytes(data),
        sformCode: 1,
        srow: [-1.25, 0, 0, 1e-9, 0, 1, 0, 0, 0, 0, 1, 0],
        gzip: true,
      }),
    );
    expect(v.header.version).toBe(2);
    expect(v.dims).toEqual([5, 3, 2]);
    expect(v.affine[0]).toBe(-1.25);
    expect(v.affine[3]).toBe(1e-9); // double precision kept
    expect(Array.from(v.data)).toEqual(Array.from(data));
  });

  it('big-endian data is byte-swapped', () => {
    const data = Int16Array.from([1, -2, 300, -32768, 32767, 7, 8, 9]);
    const v = readNifti(
      buildNifti({
        dim: dim3(2, 2, 2),
        datatype: 4,
        bitpix: 16,
        data: voxelBytes(data, false),
        littleEndian: false,
        sformCode: 1,
        srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
      }),
    );
    expect(v.header.littleEndian).toBe(false);
    expect(Array.from(v.data)).toEqual(Array.from(data));
  });

  it('applies scl_slope / scl_inter into float32; slope 0 or NaN means unscaled', () => {
    const data = voxelBytes(Int16Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    const scaled = readNifti(buildNifti({ dim: dim3(2, 2, 2), datatype: 4, bitpix: 16, data, slope: 0.5, inter: 10 }));
    expect(scaled.scaled).toBe(true);
    expect(scaled.data).toBeInstanceOf(Float32Array);
    expect(Array.from(scaled.data)).toEqual([10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5]);
    for (const slope of [0, NaN])
      expect(readNifti(buildNifti({ dim: dim3(2, 2, 2), datatype: 4, bitpix: 16, data, slope, inter: 10 })).scaled).toBe(false);
  });

  it('a 4th dimension of 1 is a 3D volume; more than one volume is refused', () => {
    expect(readNifti(buildNifti({ dim: [4, 2, 2, 2, 1, 1, 1, 1], datatype: 2, bitpix: 8, data: new Uint8Array(8) })).dims).toEqual([
      2, 2, 2,
    ]);
    expect(() => readNifti(buildNifti({ dim: [4, 2, 2, 2, 3, 1, 1, 1], datatype: 2, bitpix: 8, data: new Uint8Array(24) }))).toThrow(
      /4D image/,
    );
  });

  it('metres as spatial unit are converted to mm', () => {
    const v = readNifti(
      buildNifti({
        dim: dim3(2, 2, 2),
        datatype: 2,
        bitpix: 8,
        data: new Uint8Array(8),
        xyztUnits: 1,
        pixdim: [1, 0.001, 0.001, 0.002, 0, 0, 0, 0],
        sformCode: 1,
        srow: [0.001, 0, 0, 0.01, 0, 0.001, 0, 0, 0, 0, 0.002, 0],
      }),
    );
    expect(v.spacing.map((s) => +s.toFixed(4))).toEqual([1, 1, 2]);
    expect(+v.affine[3].toFixed(4)).toBe(10);
  });

  it('the gzip limit stops a bomb before it is inflated', () => {
    const big = smallInt16([64, 64, 64]);
    expect(() => readNifti(big, { maxInflatedBytes: 100_000 })).toThrow(NiftiError);
    expect(() => readNifti(big, { maxInflatedBytes: 100_000 })).toThrow(/limit/);
  });
});

describe('sanitizeNifti', () => {
  it.each([1, 2] as const)('blanks free text and drops extensions, keeping voxels and grid (NIfTI-%i)', (version) => {
    const data = Int16Array.from({ length: 8 }, (_, i) => i * 100);
    const original = buildNifti({
      version,
      dim: dim3(2, 2, 2),
      datatype: 4,
      bitpix: 16,
      data: voxelBytes(data),
      sformCode: 1,
      srow: [-1, 0, 0, 3, 0, -1, 0, 4, 0, 0, 1, 5],
      descrip: 'Jane Doe 1970-01-01',
      auxFile: 'MRN12345',
      intentName: 'acc-99',
      extensions: [{ code: 2, data: new TextEncoder().encode('DICOM PatientName=Doe^Jane') }],
    });
    const before = readNifti(original);
    expect(before.header.descrip).toContain('Jane');
    const clean = sanitizeNifti(original);
    const after = readNifti(clean);
    expect([after.header.descrip, after.header.auxFile, after.header.intentName, after.header.extensions.length]).toEqual(['', '', '', 0]);
    expect(Array.from(after.data)).toEqual(Array.from(data));
    expect(after.affine).toEqual(before.affine);
    const text = gunzipSync(clean).toString('latin1');
    for (const secret of ['Jane', 'MRN12345', 'acc-99', 'DICOM']) expect(text).not.toContain(secret);
  });
});
