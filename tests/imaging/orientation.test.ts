import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realImage } from '@/tests/imaging/nifti-fixtures';
import { matmul4, type Mat4 } from '@/lib/server/imaging/affine';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { axisOrientation, fromCanonical, orientationCode, originalAffine, toCanonical } from '@/lib/server/imaging/orientation';

const diag = (x: number, y: number, z: number, t: number[] = [0, 0, 0]): Mat4 => [x, 0, 0, t[0], 0, y, 0, t[1], 0, 0, z, t[2], 0, 0, 0, 1];
/** Columns permuted: array axis 0 -> world +y (A), axis 1 -> world -z (I), axis 2 -> world -x (L). */
const permuted: Mat4 = [0, 0, -2, 10, 3, 0, 0, 0, 0, -1, 0, 5, 0, 0, 0, 1];

function rotation(axis: 0 | 1 | 2, deg: number): Mat4 {
  const c = Math.cos((deg * Math.PI) / 180),
    s = Math.sin((deg * Math.PI) / 180);
  const [i, j] = [
    [1, 2],
    [0, 2],
    [0, 1],
  ][axis];
  const m = diag(1, 1, 1);
  m[i * 4 + i] = c;
  m[i * 4 + j] = -s;
  m[j * 4 + i] = s;
  m[j * 4 + j] = c;
  return m;
}

describe('orientationCode', () => {
  it.each([
    [diag(1, 1, 1), 'RAS'],
    [diag(-1, -1, 1), 'LPS'],
    [diag(-1, 1, 1), 'LAS'],
    [diag(1, 1, -2.5), 'RAI'],
    [permuted, 'AIL'],
    [matmul4(rotation(2, 30), diag(-1, -1, 1)), 'LPS'], // 30 deg oblique: still nearest LPS
    [matmul4(rotation(2, 60), diag(1, 1, 1)), 'ALS'], // 60 deg about z: x axis is now mostly anterior
  ])('%j -> %s', (affine, code) => expect(orientationCode(affine)).toBe(code));

  it('reads LPS from every real image affine', async () => {
    for (const m of ['t1', 't1c', 't2', 'flair'] as const)
      expect(orientationCode((await readNiftiFile(realImage('TCGA-DU-7294', m))).affine)).toBe('LPS');
  });

  it('refuses a singular affine', () => expect(() => orientationCode(diag(1, 0, 1))).toThrow(/singular/));
});

describe('toCanonical / fromCanonical', () => {
  const dims: [number, number, number] = [4, 3, 5];
  const data = Int16Array.from({ length: 60 }, (_, i) => i * 3 - 7);
  const cases: [string, Mat4][] = [
    ['LPS', diag(-1, -1, 2, [10, 20, 30])],
    ['permuted', permuted],
    ['oblique', matmul4(rotation(0, 25), diag(-1.2, 0.9, 3, [1, 2, 3]))],
  ];

  it.each(cases)('%s: RAS grid, same world position for every voxel, lossless round trip', (_name, affine) => {
    const vol = { dims, spacing: [1, 1, 1] as [number, number, number], affine, data };
    const { volume: can, ornt, originalDims } = toCanonical(vol);
    expect(orientationCode(can.affine)).toBe('RAS');
    const world = (a: Mat4, i: number, j: number, k: number) =>
      [0, 1, 2].map((r) => a[r * 4] * i + a[r * 4 + 1] * j + a[r * 4 + 2] * k + a[r * 4 + 3]);
    for (let k = 0; k < can.dims[2]; k++)
      for (let j = 0; j < can.dims[1]; j++)
        for (let i = 0; i < can.dims[0]; i++) {
          const value = can.data[i + j * can.dims[0] + k * can.dims[0] * can.dims[1]];
          // find the voxel with that (unique) value in the original and compare world coordinates
          const o = data.indexOf(value);
          const [oi, oj, ok] = [o % dims[0], Math.floor(o / dims[0]) % dims[1], Math.floor(o / (dims[0] * dims[1]))];
          world(can.affine, i, j, k).forEach((w, r) => expect(w).toBeCloseTo(world(affine, oi, oj, ok)[r], 9));
        }
    expect(Array.from(fromCanonical(can.data, ornt, originalDims))).toEqual(Array.from(data));
    originalAffine(can.affine, ornt, originalDims).forEach((x, i) => expect(x).toBeCloseTo(affine[i], 12));
  });

  it('a real LPS volume round-trips exactly and its canonical affine is RAS', async () => {
    const v = await readNiftiFile(realImage('TCGA-FG-6692', 't2'));
    const { volume: can, ornt } = toCanonical(v);
    expect(can.affine.slice(0, 12).map((x) => x + 0)).toEqual([1, 0, 0, -239, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(ornt).toEqual([
      { axis: 0, flip: true },
      { axis: 1, flip: true },
      { axis: 2, flip: false },
    ]);
    const back = fromCanonical(can.data as Int16Array, ornt, v.dims);
    expect(Buffer.compare(Buffer.from(back.buffer), Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength))).toBe(0);
  });
});

// nibabel is the reference implementation of aff2axcodes; the project venv has it.
const python = path.resolve(__dirname, '../../.venv/bin/python');
describe.skipIf(!existsSync(python))('agreement with nibabel.aff2axcodes', () => {
  it('matches on 200 random (oblique, sheared, flipped) affines', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const affines = Array.from({ length: 200 }, () => [...Array.from({ length: 12 }, () => rand() * 3), 0, 0, 0, 1]);
    const script =
      'import sys,json,numpy as np,nibabel as nib\nA=json.load(sys.stdin)\nprint(json.dumps(["".join(nib.aff2axcodes(np.array(a).reshape(4,4))) for a in A]))';
    const expected = JSON.parse(execFileSync(python, ['-c', script], { input: JSON.stringify(affines) }).toString());
    expect(affines.map((a) => orientationCode(a))).toEqual(expected);
    expect(axisOrientation(affines[0])).toHaveLength(3);
  });
});
