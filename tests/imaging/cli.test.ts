import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realImage, realMask } from './nifti-fixtures';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const run = (script: string, args: string[]) =>
  spawnSync(tsx, ['--conditions=react-server', path.join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(path.join(tmpdir(), 'imaging-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('nifti-info', () => {
  it('prints one JSON object for a real image', () => {
    const r = run('nifti-info.ts', [realImage('TCGA-DU-7294', 't1')]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ dims: [240, 240, 155], spacing: [1, 1, 1], datatype: 'int16', orientation: 'LPS', min: -69, max: 837 });
    expect(info.affine).toEqual([
      [-1, 0, 0, 0],
      [0, -1, 0, 239],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('reports a mask as uint8', () => {
    const r = run('nifti-info.ts', [realMask('TCGA-DU-7294')]);
    expect(JSON.parse(r.stdout)).toMatchObject({ datatype: 'uint8', min: 0, max: 2 }); // this fusion has no ET (README)
  });

  it('exits non-zero with the validation message on a bad file', () => {
    const bad = path.join(tmp, 'notes.nii');
    writeFileSync(bad, 'not an image\n'.repeat(40));
    const r = run('nifti-info.ts', [bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/invalid NIfTI \(415\): notes\.nii: not a NIfTI file/);
    const cut = path.join(tmp, 'cut.nii.gz');
    writeFileSync(cut, readFileSync(realImage('TCGA-DU-7294', 't2')).subarray(0, 100_000));
    expect(run('nifti-info.ts', [cut]).stderr).toMatch(/\(422\): cut\.nii\.gz: the gzip stream ends early/);
  });
});

describe('cohort CLI', () => {
  it('writes a small cohort with BraTS naming, meta.json and cohort.json', () => {
    const out = path.join(tmp, 'cohort');
    const r = run('cohort.ts', [
      '--domain',
      'B',
      '--n',
      '2',
      '--seed',
      '5',
      '--out',
      out,
      '--size',
      '100,110,70',
      '--spacing',
      '2,2,2',
      '--shift',
      'scanner,missing-modality:T2W',
    ]);
    expect(r.status).toBe(0);
    const cohort = JSON.parse(readFileSync(path.join(out, 'cohort.json'), 'utf8'));
    expect(cohort).toMatchObject({ domain: 'B', seed: '5', n: 2, shifts: ['scanner', 'missing-modality:T2W'] });
    expect(cohort.cases.map((c: { caseId: string }) => c.caseId)).toEqual(['SYN-B-5-00000', 'SYN-B-5-00001']);
    const dir = path.join(out, 'SYN-B-5-00001');
    for (const s of ['t1n', 't1c', 't2f', 'seg']) expect(existsSync(path.join(dir, `SYN-B-5-00001-${s}.nii.gz`))).toBe(true);
    expect(existsSync(path.join(dir, 'SYN-B-5-00001-t2w.nii.gz'))).toBe(false);
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ site: 'B', scanner: { manufacturer: 'GE', fieldStrengthT: 1.5 }, dims: [100, 110, 70], missing: ['T2W'] });
  });

  it('refuses an unknown preset with a clear message', () => {
    const r = run('cohort.ts', ['--n', '1', '--out', path.join(tmp, 'x'), '--shift', 'zombie']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown shift preset "zombie"; known: scanner, thick-slices/);
  });
});
