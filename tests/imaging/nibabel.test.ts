/**
 * Cross-checks against nibabel (the reference NIfTI implementation, in the project's Python venv): files nibabel
 * writes are read by readNifti, and files writeNifti writes are read by nibabel, comparing affines, dims and voxels.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti, writeNiftiMask } from '@/lib/server/imaging/nifti';
import { orientationCode } from '@/lib/server/imaging/orientation';

const python = path.resolve(__dirname, '../../.venv/bin/python');
const tmp = mkdtempSync(path.join(tmpdir(), 'nibabel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const py = (script: string) => JSON.parse(execFileSync(python, ['-c', script], { cwd: tmp }).toString());

const WRITE = `
import json, numpy as np, nibabel as nib
from nibabel.nifti1 import Nifti1Extension
rng = np.random.default_rng(0)
th = np.deg2rad(17)
obl = np.array([[np.cos(th), -np.sin(th), 0, 3], [np.sin(th), np.cos(th), 0, -4], [0, 0, 2.5, 7], [0, 0, 0, 1]]) @ np.diag([-0.9, 1.1, 1, 1])
out = {}
def save(name, img):
    nib.save(img, name)
    a = np.asarray(img.dataobj if not img.header.get_slope_inter()[0] else img.get_fdata())
    r = nib.load(name)
    out[name] = dict(affine=r.affine.flatten().tolist(), shape=list(r.shape[:3]), codes="".join(nib.aff2axcodes(r.affine)),
                     sum=float(np.asarray(r.get_fdata(), dtype=np.float64).sum()), first=float(r.get_fdata().flatten(order='F')[5]))
d = rng.normal(size=(5, 6, 7)).astype(np.float64)
save('f64_nifti2.nii.gz', nib.Nifti2Image(d, obl))
i16 = rng.integers(-500, 500, size=(6, 5, 4)).astype('>i2')
img = nib.Nifti1Image(i16, obl); img.header.set_data_dtype('>i2'); save('bigendian.nii', img)
q = nib.Nifti1Image(rng.integers(0, 200, size=(4, 4, 3)).astype(np.uint8), obl); q.header.set_sform(None, code=0); q.header.set_qform(obl, code=1); save('qform_only.nii.gz', q)
s = nib.Nifti1Image(rng.integers(0, 1000, size=(4, 3, 2)).astype(np.int16), np.diag([1, 1, 5, 1])); s.header.set_slope_inter(0.25, -3); save('scaled.nii.gz', s)
e = nib.Nifti1Image(np.ones((3, 3, 3), np.uint16), np.diag([-1, -1, 1, 1])); e.header.extensions.append(Nifti1Extension(6, b'some comment text')); save('ext.nii.gz', e)
print(json.dumps(out))
`;

describe.skipIf(!existsSync(python))('nibabel cross-check', () => {
  it('reads what nibabel writes (NIfTI-2 float64 oblique, big-endian, qform-only, scaled, extensions)', () => {
    const expected: Record<string, { affine: number[]; shape: number[]; codes: string; sum: number; first: number }> = py(WRITE);
    expect(Object.keys(expected)).toHaveLength(5);
    for (const [name, want] of Object.entries(expected)) {
      const v = readNifti(readFileSync(path.join(tmp, name)));
      v.affine.forEach((x, i) => expect(x, `${name} affine[${i}]`).toBeCloseTo(want.affine[i], 5));
      expect(v.dims, name).toEqual(want.shape);
      expect(orientationCode(v.affine), name).toBe(want.codes);
      let sum = 0;
      for (const x of v.data) sum += x;
      expect(sum, name).toBeCloseTo(want.sum, 2);
      expect(v.data[5], name).toBeCloseTo(want.first, 4);
    }
    expect(readNifti(readFileSync(path.join(tmp, 'ext.nii.gz'))).header.extensions[0].code).toBe(6);
  });

  it('nibabel reads what writeNifti/writeNiftiMask write, with qform and sform agreeing on an oblique grid', () => {
    const t = (23 * Math.PI) / 180;
    // R_y(23 deg) . diag(-0.9, -1.1, 2.5): a rigid oblique grid, so the qform can represent it exactly.
    const affine = [-0.9 * Math.cos(t), 0, 2.5 * Math.sin(t), 12, 0, -1.1, 0, 80, 0.9 * Math.sin(t), 0, 2.5 * Math.cos(t), -30, 0, 0, 0, 1];
    const dims: [number, number, number] = [7, 6, 5];
    const img = Float32Array.from({ length: 210 }, (_, i) => Math.sin(i) * 100);
    const mask = Uint8Array.from({ length: 210 }, (_, i) => i % 4);
    writeFileSync(path.join(tmp, 'ours.nii.gz'), writeNifti({ dims, affine, data: img }));
    writeFileSync(path.join(tmp, 'ours-mask.nii.gz'), writeNiftiMask(mask, { dims, affine, data: img }));
    const got = py(`
import json, numpy as np, nibabel as nib
r = {}
for n in ['ours.nii.gz', 'ours-mask.nii.gz']:
    im = nib.load(n); h = im.header
    r[n] = dict(q=h.get_qform().flatten().tolist(), s=h.get_sform().flatten().tolist(), codes=[int(h['qform_code']), int(h['sform_code'])],
                dtype=str(h.get_data_dtype()), data=np.asarray(im.dataobj).flatten(order='F').tolist(), descrip=h['descrip'].tobytes().decode())
print(json.dumps(r))`);
    for (const [name, data] of [
      ['ours.nii.gz', img],
      ['ours-mask.nii.gz', mask],
    ] as const) {
      const r = got[name];
      r.s.forEach((x: number, i: number) => expect(x).toBeCloseTo(affine[i], 5));
      r.q.forEach((x: number, i: number) => expect(x).toBeCloseTo(affine[i], 4));
      expect(r.codes).toEqual([1, 1]);
      expect(r.descrip.replace(/\0/g, '')).toBe('');
      expect(r.data.map(Math.fround)).toEqual(Array.from(data));
    }
    expect(got['ours-mask.nii.gz'].dtype).toBe('uint8');
  });
});
