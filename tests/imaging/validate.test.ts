import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildNifti, realImage, realMask, smallInt16, voxelBytes, type Fixture } from '@/tests/imaging/nifti-fixtures';
import { readNifti } from '@/lib/server/imaging/nifti';
import { ImagingValidationError, validateCaseFiles, type ValidateCaseOptions } from '@/lib/server/imaging/validate';

type Upload = { field: string; filename: string; bytes: Uint8Array };
const dims: [number, number, number] = [8, 7, 6];
const n = dims[0] * dims[1] * dims[2];
const LPS = [-1, 0, 0, 0, 0, -1, 0, 6, 0, 0, 1, 0];
const small = (opts: Partial<Fixture> = {}) => smallInt16(dims, opts);
const fixture = (opts: Partial<Fixture>) =>
  buildNifti({
    dim: [3, ...dims, 1, 1, 1, 1],
    datatype: 4,
    bitpix: 16,
    sformCode: 1,
    srow: LPS,
    data: new Uint8Array(n * 2),
    gzip: true,
    ...opts,
  });
const set = (over: Partial<Record<string, Uint8Array>> = {}): Upload[] =>
  Object.entries({ t1n: small(), t1c: small(), t2w: small(), t2f: small(), ...over })
    .filter(([, b]) => b !== undefined)
    .map(([field, bytes]) => ({ field, filename: `${field}.nii.gz`, bytes: bytes! }));

let real: Record<'t1' | 't1c' | 't2' | 'flair', Uint8Array>;
let realSet: () => Upload[];
beforeAll(() => {
  real = Object.fromEntries(
    (['t1', 't1c', 't2', 'flair'] as const).map((m) => [m, new Uint8Array(readFileSync(realImage('TCGA-FG-6692', m)))]),
  ) as typeof real;
  realSet = () => [
    { field: 't1n', filename: 't1.nii.gz', bytes: real.t1 },
    { field: 't1c', filename: 't1c.nii.gz', bytes: real.t1c },
    { field: 't2w', filename: 't2.nii.gz', bytes: real.t2 },
    { field: 't2f', filename: 'flair.nii.gz', bytes: real.flair },
  ];
});

interface Row {
  name: string;
  files: () => Upload[];
  options?: ValidateCaseOptions;
  status: number;
  file: string;
  message: RegExp;
}

const replaceReal = (filename: string, bytes: Uint8Array) => realSet().map((f) => (f.filename === filename ? { ...f, bytes } : f));
const maskUpload = (bytes: Uint8Array, filename = 'seg.nii.gz'): Upload => ({ field: 'mask', filename, bytes });

const rows: Row[] = [
  {
    name: 'text file',
    files: () => set({ t1n: new TextEncoder().encode('# README\n'.repeat(50)) }),
    status: 415,
    file: 't1n.nii.gz',
    message: /t1n\.nii\.gz: not a NIfTI file: wrong header size/,
  },
  {
    name: 'wrong magic',
    files: () => set({ t1c: fixture({ magic: 'xx1\0' }) }),
    status: 415,
    file: 't1c.nii.gz',
    message: /"n\+1" magic is missing/,
  },
  {
    name: 'hdr/img pair header',
    files: () => set({ t2w: fixture({ magic: 'ni1\0' }) }),
    status: 415,
    file: 't2w.nii.gz',
    message: /\.hdr\/\.img pair/,
  },
  { name: 'empty file', files: () => set({ t2f: new Uint8Array(0) }), status: 415, file: 't2f.nii.gz', message: /empty file/ },
  {
    name: 'shorter than a header',
    files: () => set({ t1n: new Uint8Array(100) }),
    status: 415,
    file: 't1n.nii.gz',
    message: /only 100 bytes, shorter than a NIfTI header/,
  },
  {
    name: 'truncated gzip (real file cut in half)',
    files: () => replaceReal('t2.nii.gz', real.t2.subarray(0, real.t2.length >> 1)),
    status: 422,
    file: 't2.nii.gz',
    message: /t2\.nii\.gz: the gzip stream ends early/,
  },
  {
    name: 'corrupt gzip (real file, bytes flipped)',
    files: () => {
      const b = real.flair.slice();
      for (let i = 5000; i < 5100; i++) b[i] ^= 0x5a;
      return replaceReal('flair.nii.gz', b);
    },
    status: 422,
    file: 'flair.nii.gz',
    message: /corrupt gzip data/,
  },
  {
    name: 'gzip bomb beyond the inflate limit',
    files: () => realSet(),
    options: { maxInflatedBytes: 4 * 1024 ** 2 },
    status: 413,
    file: 't1.nii.gz',
    message: /inflates to more than the 4\.0 MiB limit/,
  },
  {
    name: 'upload above the size limit',
    files: () => realSet(),
    options: { maxFileBytes: 1024 ** 2 },
    status: 413,
    file: 't1.nii.gz',
    message: /above the 1\.0 MiB upload limit/,
  },
  {
    name: 'truncated voxel data',
    files: () => set({ t1c: fixture({ data: new Uint8Array(n * 2 - 10) }) }),
    status: 422,
    file: 't1c.nii.gz',
    message: /truncated: the header declares 8x7x6 int16 \(672 bytes of voxels\) but only 662 follow/,
  },
  {
    name: 'dims smaller than the data',
    files: () => set({ t2w: fixture({ extraBytes: 64 }) }),
    status: 422,
    file: 't2w.nii.gz',
    message: /header dims 8x7x6 int16 account for 672 bytes of voxels but the file holds 736/,
  },
  {
    name: '4D with 3 volumes',
    files: () => set({ t2f: fixture({ dim: [4, ...dims, 3, 1, 1, 1], data: new Uint8Array(n * 6) }) }),
    status: 422,
    file: 't2f.nii.gz',
    message: /4D image \(8x7x6x3\); expected a single 3D volume/,
  },
  {
    name: '5D',
    files: () => set({ t1n: fixture({ dim: [5, ...dims, 1, 2, 1, 1], data: new Uint8Array(n * 4) }) }),
    status: 422,
    file: 't1n.nii.gz',
    message: /5D image/,
  },
  {
    name: 'complex64',
    files: () => set({ t1n: fixture({ datatype: 32, bitpix: 64, data: new Uint8Array(n * 8) }) }),
    status: 415,
    file: 't1n.nii.gz',
    message: /unsupported datatype complex64/,
  },
  {
    name: 'int64',
    files: () => set({ t1c: fixture({ datatype: 1024, bitpix: 64, data: new Uint8Array(n * 8) }) }),
    status: 415,
    file: 't1c.nii.gz',
    message: /unsupported datatype int64/,
  },
  {
    name: 'rgb24',
    files: () => set({ t2w: fixture({ datatype: 128, bitpix: 24, data: new Uint8Array(n * 3) }) }),
    status: 415,
    file: 't2w.nii.gz',
    message: /unsupported datatype rgb24/,
  },
  {
    name: 'bitpix disagrees with datatype',
    files: () => set({ t2f: fixture({ bitpix: 8 }) }),
    status: 422,
    file: 't2f.nii.gz',
    message: /bitpix 8 disagrees with datatype int16/,
  },
  {
    name: 'dim[0] = 0',
    files: () => set({ t1n: fixture({ dim: [0, ...dims, 1, 1, 1, 1] }) }),
    status: 422,
    file: 't1n.nii.gz',
    message: /invalid dim\[0\] = 0/,
  },
  {
    name: 'negative dim',
    files: () => set({ t1n: fixture({ dim: [3, 8, -7, 6, 1, 1, 1, 1] }) }),
    status: 422,
    file: 't1n.nii.gz',
    message: /invalid dim\[2\] = -7/,
  },
  {
    name: 'fractional vox_offset',
    files: () => set({ t1c: fixture({ voxOffset: 352.5 }) }),
    status: 422,
    file: 't1c.nii.gz',
    message: /invalid vox_offset 352\.5/,
  },
  {
    name: 'malformed header extension',
    files: () => {
      const b = fixture({ extensions: [{ code: 4, data: new Uint8Array(8) }], gzip: false });
      new DataView(b.buffer).setInt32(352, 13, true);
      return set({ t2w: b });
    },
    status: 422,
    file: 't2w.nii.gz',
    message: /malformed header extension at byte 352/,
  },
  {
    name: 'NaN voxels',
    files: () =>
      set({
        t2f: fixture({ datatype: 16, bitpix: 32, data: voxelBytes(Float32Array.from({ length: n }, (_, i) => (i % 50 === 0 ? NaN : i))) }),
      }),
    status: 422,
    file: 't2f.nii.gz',
    message: /7 voxel\(s\) are NaN or infinite/,
  },
  {
    name: 'Inf voxels',
    files: () =>
      set({
        t1n: fixture({ datatype: 64, bitpix: 64, data: voxelBytes(Float64Array.from({ length: n }, (_, i) => (i === 3 ? -Infinity : 1))) }),
      }),
    status: 422,
    file: 't1n.nii.gz',
    message: /1 voxel\(s\) are NaN or infinite/,
  },
  {
    name: 'singular affine',
    files: () => set({ t1c: fixture({ srow: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0] }) }),
    status: 422,
    file: 't1c.nii.gz',
    message: /affine is singular/,
  },
  {
    name: 'grid dims differ between modalities',
    files: () => set({ t2w: smallInt16([8, 7, 5]) }),
    status: 422,
    file: 't2w.nii.gz',
    message: /grid does not match t1n\.nii\.gz: dims 8x7x5 vs 8x7x6/,
  },
  {
    name: 'affine shifted by 2 mm',
    files: () => set({ t2f: small({ srow: [-1, 0, 0, 2, 0, -1, 0, 6, 0, 0, 1, 0] }) }),
    status: 422,
    file: 't2f.nii.gz',
    message: /affines differ by up to 2\.00 mm/,
  },
  {
    name: 'orientation differs (RAS vs LPS)',
    files: () => set({ t1c: small({ srow: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] }) }),
    status: 422,
    file: 't1c.nii.gz',
    message: /affines differ .*\(RAS vs LPS/,
  },
  {
    name: 'duplicated modality via alias',
    files: () => [...set(), { field: 'T1', filename: 'again-t1.nii.gz', bytes: small() }],
    status: 400,
    file: 'again-t1.nii.gz',
    message: /duplicated modality T1N \(also uploaded as t1n\.nii\.gz\)/,
  },
  {
    name: 'missing required modality',
    files: () => set({ t2f: undefined }),
    status: 400,
    file: '(t2f)',
    message: /missing required modality T2F/,
  },
  {
    name: 'unknown field',
    files: () => [...set(), { field: 'dwi', filename: 'dwi.nii.gz', bytes: small() }],
    status: 400,
    file: 'dwi.nii.gz',
    message: /unknown upload field "dwi"/,
  },
  { name: 'no files', files: () => [], status: 400, file: '(none)', message: /no files uploaded/ },
  {
    name: 'mask labels outside the label map (BraTS 2020 mask read as 2023)',
    files: () => [...realSet(), maskUpload(new Uint8Array(readFileSync(realMask('TCGA-FG-6692'))))],
    options: { gzipLevel: 1 },
    status: 422,
    file: 'seg.nii.gz',
    message: /mask label\(s\) 4 not in label map "brats2023" \(allowed: 0, 1, 2, 3\)/,
  },
  {
    name: 'mask on a different grid',
    files: () => [...set(), maskUpload(smallInt16([8, 7, 5]))],
    status: 422,
    file: 'seg.nii.gz',
    message: /mask grid does not match t1n\.nii\.gz: dims 8x7x5 vs 8x7x6/,
  },
  {
    name: 'mask with non-integer values',
    files: () => [
      ...set(),
      maskUpload(fixture({ datatype: 16, bitpix: 32, data: voxelBytes(Float32Array.from({ length: n }, (_, i) => (i === 9 ? 1.5 : 0))) })),
    ],
    status: 422,
    file: 'seg.nii.gz',
    message: /non-integer value 1\.5/,
  },
  {
    name: 'mask labels out of uint8 range',
    files: () => [...set(), maskUpload(fixture({ data: voxelBytes(Int16Array.from({ length: n }, (_, i) => (i === 0 ? 300 : 0))) }))],
    status: 422,
    file: 'seg.nii.gz',
    message: /mask label 300 is outside 0\.\.255/,
  },
];

describe('validateCaseFiles rejects malformed uploads', () => {
  it('has at least 25 distinct malformed inputs', () => expect(new Set(rows.map((r) => r.name)).size).toBeGreaterThanOrEqual(25));

  it.each(rows)('$name -> $status', ({ files, options, status, file, message }) => {
    let caught: unknown;
    try {
      validateCaseFiles(files(), options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ImagingValidationError);
    const e = caught as ImagingValidationError;
    expect({ status: e.status, file: e.file }).toEqual({ status, file });
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${file}: `)).toBe(true);
  });
});

describe('validateCaseFiles accepts good uploads', () => {
  it('a real case with a BraTS 2020 reference mask: sanitised volumes, sha256, remapped product mask', () => {
    const mask = new Uint8Array(readFileSync(realMask('TCGA-FG-6692')));
    const result = validateCaseFiles([...realSet(), maskUpload(mask)], { maskLabelMap: 'brats2020', gzipLevel: 1 });
    expect(Object.keys(result.volumes).sort()).toEqual(['T1C', 'T1N', 'T2F', 'T2W']);
    const t1 = result.volumes.T1N!;
    expect(t1).toMatchObject({ dims: [240, 240, 155], spacing: [1, 1, 1], datatype: 'int16', orientation: 'LPS', filename: 't1.nii.gz' });
    expect(t1.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Array.from(readNifti(t1.bytes).data.subarray(0, 1e6))).toEqual(Array.from(readNifti(real.t1).data.subarray(0, 1e6)));
    const original = readNifti(mask).data as Uint8Array;
    const stored = readNifti(result.mask!.bytes);
    expect(stored.affine).toEqual(readNifti(real.t1).affine);
    let mismatches = 0;
    for (let i = 0; i < original.length; i++) if (stored.data[i] !== (original[i] === 4 ? 3 : original[i])) mismatches++;
    expect(mismatches).toBe(0);
    const counts = [0, 0, 0, 0, 0];
    for (const v of original) counts[v]++;
    expect(result.mask!.labelCounts).toEqual({ 1: counts[1], 2: counts[2], 3: counts[4] });
    expect(counts[4]).toBeGreaterThan(0);
  });

  it('accepts a configurable required set and the common aliases (flair, t1ce)', () => {
    const result = validateCaseFiles(
      [
        { field: 'flair', filename: 'a.nii.gz', bytes: small() },
        { field: 'T1CE', filename: 'b.nii.gz', bytes: small() },
      ],
      { required: ['T1C', 'T2F'] },
    );
    expect(Object.keys(result.volumes).sort()).toEqual(['T1C', 'T2F']);
    expect(result.mask).toBeUndefined();
  });

  it('tolerates affines that differ by less than the tolerance', () => {
    const nudged = small({ srow: [-1, 0, 0, 0.0004, 0, -1, 0, 6, 0, 0, 1, 0] });
    expect(() => validateCaseFiles(set({ t2f: nudged }))).not.toThrow();
  });
});
