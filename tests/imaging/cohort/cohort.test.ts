import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from '@/lib/server/imaging/nifti';
import { orientationCode } from '@/lib/server/imaging/orientation';
import { generateCase, type CaseRequest, type GeneratedCase } from '@/lib/server/imaging/cohort/generate';
import { generateCohort } from '@/lib/server/imaging/cohort/index';
import { PRESETS } from '@/lib/server/imaging/cohort/presets';

// 2 mm grid with the default field of view (240 x 240 x 155 mm): same anatomy in mm, 8x fewer voxels, fast tests.
const grid = { dims: [120, 120, 78] as [number, number, number], spacing: [2, 2, 2] as [number, number, number] };
const req = (caseId: string, shifts: string[] = [], seed = '3'): CaseRequest => ({ caseId, seed, domain: 'A', grid, shifts });
const sha = (a: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
const count = (seg: Uint8Array, label: number) => seg.reduce((s, v) => s + (v === label ? 1 : 0), 0);
const tmp = mkdtempSync(path.join(tmpdir(), 'cohort-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const baseline = new Map<string, GeneratedCase>();
const base = (id: string) => baseline.get(id) ?? baseline.set(id, generateCase(req(id))).get(id)!;

describe('determinism', () => {
  it('same seed -> identical images and masks; another seed or case -> different', () => {
    const a = generateCase(req('D1')),
      b = generateCase(req('D1'));
    for (const m of ['T1N', 'T1C', 'T2W', 'T2F'] as const) expect(sha(a.images[m]!)).toBe(sha(b.images[m]!));
    expect(sha(a.seg)).toBe(sha(b.seg));
    expect(sha(generateCase(req('D1', [], '4')).images.T1N!)).not.toBe(sha(a.images.T1N!));
    expect(sha(generateCase(req('D2')).seg)).not.toBe(sha(a.seg));
  });

  it('the written cohort is byte-identical across runs (files, meta.json, cohort.json)', async () => {
    const digests = async (out: string) => {
      await generateCohort({ domain: 'A', n: 2, seed: '9', out, grid, shifts: ['motion'] });
      const all: Record<string, string> = {};
      const walk = (d: string) =>
        readdirSync(d, { withFileTypes: true }).forEach((e) =>
          e.isDirectory()
            ? walk(path.join(d, e.name))
            : (all[path.relative(out, path.join(d, e.name))] = sha(readFileSync(path.join(d, e.name)))),
        );
      walk(out);
      return all;
    };
    const first = await digests(path.join(tmp, 'r1'));
    expect(await digests(path.join(tmp, 'r2'))).toEqual(first);
    expect(Object.keys(first).sort()).toEqual([
      'SYN-A-9-00000/SYN-A-9-00000-seg.nii.gz',
      'SYN-A-9-00000/SYN-A-9-00000-t1c.nii.gz',
      'SYN-A-9-00000/SYN-A-9-00000-t1n.nii.gz',
      'SYN-A-9-00000/SYN-A-9-00000-t2f.nii.gz',
      'SYN-A-9-00000/SYN-A-9-00000-t2w.nii.gz',
      'SYN-A-9-00000/meta.json',
      'SYN-A-9-00001/SYN-A-9-00001-seg.nii.gz',
      'SYN-A-9-00001/SYN-A-9-00001-t1c.nii.gz',
      'SYN-A-9-00001/SYN-A-9-00001-t1n.nii.gz',
      'SYN-A-9-00001/SYN-A-9-00001-t2f.nii.gz',
      'SYN-A-9-00001/SYN-A-9-00001-t2w.nii.gz',
      'SYN-A-9-00001/meta.json',
      'cohort.json',
    ]);
    const dir = path.join(tmp, 'r1', 'SYN-A-9-00000');
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ domain: 'A', site: 'A', scanner: { manufacturer: 'Siemens', fieldStrengthT: 3 }, orientation: 'LPS' });
    expect(meta.shifts[0].preset).toBe('motion');
    const t1c = readNifti(readFileSync(path.join(dir, 'SYN-A-9-00000-t1c.nii.gz')));
    expect([t1c.datatype, orientationCode(t1c.affine)]).toEqual(['int16', 'LPS']);
    expect(readNifti(readFileSync(path.join(dir, 'SYN-A-9-00000-seg.nii.gz'))).datatype).toBe('uint8');
  });
});

/** Fraction of 6-neighbour faces from voxels with label in `from` that land on a label in `to`. */
function contact(seg: Uint8Array, dims: number[], from: number[], to: number[]): number {
  const [nx, ny] = dims,
    steps = [1, -1, nx, -nx, nx * ny, -nx * ny];
  let faces = 0,
    hits = 0;
  for (let i = 0; i < seg.length; i++) {
    if (!from.includes(seg[i])) continue;
    for (const s of steps) {
      const j = i + s;
      if (j < 0 || j >= seg.length || from.includes(seg[j])) continue;
      faces++;
      if (to.includes(seg[j])) hits++;
    }
  }
  return faces ? hits / faces : 1;
}

function components(seg: Uint8Array, dims: number[]): number {
  const [nx, ny] = dims,
    seen = new Uint8Array(seg.length),
    stack: number[] = [];
  let n = 0;
  for (let s = 0; s < seg.length; s++) {
    if (!seg[s] || seen[s]) continue;
    n++;
    stack.push(s);
    seen[s] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % nx,
        y = Math.floor(i / nx) % ny;
      for (const [j, ok] of [
        [i - 1, x > 0],
        [i + 1, x < nx - 1],
        [i - nx, y > 0],
        [i + nx, y < ny - 1],
        [i - nx * ny, true],
        [i + nx * ny, true],
      ] as [number, boolean][])
        if (ok && j >= 0 && j < seg.length && seg[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
    }
  }
  return n;
}

const meanWhere = (img: Int16Array, seg: Uint8Array, pred: (l: number, v: number) => boolean) => {
  let s = 0,
    c = 0;
  for (let i = 0; i < img.length; i++)
    if (pred(seg[i], img[i])) {
      s += img[i];
      c++;
    }
  return s / c;
};

describe('labels and contrasts', () => {
  it.each(['L1', 'L2', 'L3', 'L4'])('%s: NCR wrapped in ET, the core wrapped in ED, one lesion, 20-150 mL-ish', (id) => {
    const g = base(id);
    expect(contact(g.seg, g.dims, [1], [3])).toBe(1); // NCR touches only ET
    expect(contact(g.seg, g.dims, [1, 3], [2])).toBeGreaterThan(0.85); // core mostly bounded by oedema (CSF may interrupt)
    expect(components(g.seg, g.dims)).toBe(1);
    expect(g.volumesMl.WT).toBeGreaterThan(10);
    expect(g.volumesMl.WT).toBeLessThan(200);
    for (let i = 0; i < g.seg.length; i++) if (g.seg[i]) expect(g.images.T1N![i]).toBeGreaterThan(0); // labels only inside the brain
  });

  it('each modality shows its clinical contrast', () => {
    const g = base('L1');
    const brain = (img: Int16Array) => meanWhere(img, g.seg, (l, v) => l === 0 && v > 0);
    const lab = (img: Int16Array, label: number) => meanWhere(img, g.seg, (l) => l === label);
    expect(lab(g.images.T1C!, 3)).toBeGreaterThan(1.4 * brain(g.images.T1C!)); // T1C: bright enhancing rim
    expect(lab(g.images.T2F!, 2)).toBeGreaterThan(1.4 * brain(g.images.T2F!)); // FLAIR: bright oedema
    expect(lab(g.images.T2W!, 2)).toBeGreaterThan(1.4 * brain(g.images.T2W!)); // T2: bright oedema
    expect(lab(g.images.T1N!, 1)).toBeLessThan(0.7 * brain(g.images.T1N!)); // T1: dark tumour
    let outside = 0;
    for (let i = 0; i < g.seg.length; i++) if (g.images.T1N![i] === 0 && g.images.T2F![i] !== 0) outside++;
    expect(outside).toBe(0); // skull-stripped: one shared background of exact zeros
  });
});

describe('domain-shift presets change what they claim', () => {
  it('every preset is documented in the cohort README', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../lib/server/imaging/cohort/README.md'), 'utf8');
    for (const p of PRESETS) expect(readme).toMatch(new RegExp(`\\| \`${p.name}(\\[:[^\\]]+\\])?\` \\|`));
  });

  it('scanner: same anatomy, different intensity scale, more noise, 1.5 T GE metadata', () => {
    const a = base('S1'),
      b = generateCase(req('S1', ['scanner']));
    expect(sha(b.seg)).toBe(sha(a.seg));
    expect(b.spec.site).toMatchObject({ manufacturer: 'GE', fieldStrengthT: 1.5 });
    const ratio = meanWhere(b.images.T1N!, b.seg, (l, v) => l === 0 && v > 0) / meanWhere(a.images.T1N!, a.seg, (l, v) => l === 0 && v > 0);
    expect(Math.abs(Math.log(ratio))).toBeGreaterThan(Math.log(1.15));
    // Noise level: median |second difference| along x inside healthy brain (edges are rare, so the median sees noise),
    // relative to the mean signal so that the intensity rescaling does not count.
    const noise = (g: GeneratedCase) => {
      const img = g.images.T2W!,
        d: number[] = [];
      for (let i = 1; i < img.length - 1; i++)
        if (!g.seg[i] && img[i - 1] > 0 && img[i] > 0 && img[i + 1] > 0) d.push(Math.abs(2 * img[i] - img[i - 1] - img[i + 1]));
      d.sort((x, y) => x - y);
      return d[d.length >> 1] / meanWhere(img, g.seg, (l, v) => l === 0 && v > 0);
    };
    expect(noise(b)).toBeGreaterThan(1.8 * noise(a));
    expect(b.spec.bias).toBeCloseTo(3 * a.spec.bias, 10);
  });

  it('thick-slices: 5 mm slices, same field of view, z dims shrink; argument sets the thickness', () => {
    const b = generateCase(req('S1', ['thick-slices']));
    expect(b.dims).toEqual([120, 120, 31]);
    expect(b.spacing).toEqual([2, 2, 5]);
    expect(b.affine[10]).toBe(5);
    expect(generateCase(req('S1', ['thick-slices:6'])).dims[2]).toBe(26);
  });

  it('missing-modality drops one file; swapped-modality exchanges two', () => {
    expect(Object.keys(generateCase(req('S1', ['missing-modality'])).images).sort()).toEqual(['T1N', 'T2F', 'T2W']);
    expect(Object.keys(generateCase(req('S1', ['missing-modality:T2F'])).images).sort()).toEqual(['T1C', 'T1N', 'T2W']);
    const a = base('S1'),
      s = generateCase(req('S1', ['swapped-modality']));
    expect(sha(s.images.T2W!)).toBe(sha(a.images.T2F!));
    expect(sha(s.images.T2F!)).toBe(sha(a.images.T2W!));
    expect(sha(s.images.T1N!)).toBe(sha(a.images.T1N!));
  });

  it('motion: ghosts put signal into the background', () => {
    const a = base('S1'),
      b = generateCase(req('S1', ['motion']));
    const background = (g: GeneratedCase, ref: GeneratedCase) =>
      ref.images.T2W!.reduce((n, v, i) => n + (v === 0 && g.images.T2W![i] > 0 ? 1 : 0), 0);
    expect(background(a, a)).toBe(0);
    expect(background(b, a)).toBeGreaterThan(10_000);
  });

  it('non-enhancing: no ET, the core is NCR and T1C shows no bright rim', () => {
    const b = generateCase(req('S1', ['non-enhancing']));
    expect(count(b.seg, 3)).toBe(0);
    expect(count(b.seg, 1)).toBeGreaterThan(0);
    expect(meanWhere(b.images.T1C!, b.seg, (l) => l === 1)).toBeLessThan(meanWhere(b.images.T1C!, b.seg, (l, v) => l === 0 && v > 0));
  });

  it('multifocal and metastasis: several separate lesions; metastases are small', () => {
    for (const id of ['M1', 'M2', 'M3']) {
      expect(components(generateCase(req(id, ['multifocal'])).seg, grid.dims)).toBeGreaterThanOrEqual(2);
      const met = generateCase(req(id, ['metastasis']));
      expect(components(met.seg, grid.dims)).toBeGreaterThanOrEqual(2);
      expect(met.spec.tumours.every((t) => t.rTc <= 7)).toBe(true);
      expect(met.volumesMl.TC).toBeLessThan(base(id).volumesMl.TC + 10);
    }
  });

  it('paediatric: a smaller brain', () => {
    const brainVoxels = (g: GeneratedCase) => g.images.T1N!.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    expect(brainVoxels(generateCase(req('S1', ['paediatric'])))).toBeLessThan(0.7 * brainVoxels(base('S1')));
  });

  it('presets compose, in order, and unknown ones are refused', () => {
    const g = generateCase(req('S1', ['scanner', 'thick-slices', 'missing-modality']));
    expect(g.spec.shifts).toEqual(['scanner', 'thick-slices', 'missing-modality']);
    expect([g.dims[2], g.images.T1C, g.spec.site.manufacturer]).toEqual([31, undefined, 'GE']);
    expect(() => generateCase(req('S1', ['teleportation']))).toThrow(/unknown shift preset "teleportation"/);
  });
});

describe('default grid', () => {
  it('240x240x155 at 1 mm, LPS, int16 images', () => {
    const g = generateCase({ caseId: 'FULL', seed: '1', domain: 'A' });
    expect([g.dims, g.spacing, orientationCode(g.affine)]).toEqual([[240, 240, 155], [1, 1, 1], 'LPS']);
    expect(g.images.T1N).toBeInstanceOf(Int16Array);
    expect(g.images.T1N!.length).toBe(240 * 240 * 155);
  });
});
