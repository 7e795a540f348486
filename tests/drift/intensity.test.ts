import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { INTENSITY_LEVELS, nonZeroQuantiles, nonZeroVolumeMl, shapeDistance, zQuantiles } from '@/lib/server/drift/intensity';
import { imageStats, spacingFromAffine } from '@/lib/server/drift/case-stats';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { quantiles } from '@/lib/stats';
import { REAL_DIR } from '../support/real-data';

const levels = [0, 0.01, 0.5, 0.99, 1];

describe('nonZeroQuantiles', () => {
  it('gives the same numpy-linear quantiles by counting (integers) as by sorting (floats)', () => {
    const n = 5000;
    const ints = new Int16Array(n);
    for (let i = 0; i < n; i++) ints[i] = i % 7 === 0 ? 0 : ((i * 7919) % 3001) - 500;
    const nonZero = Array.from(ints).filter((v) => v !== 0);
    const expected = quantiles(nonZero, INTENSITY_LEVELS);
    expect(nonZeroQuantiles(ints)).toEqual(expected);
    expect(nonZeroQuantiles(Float32Array.from(ints))).toEqual(expected);
    expect(nonZeroQuantiles(Uint8Array.from([0, 0, 3, 1]), [0, 0.5, 1])).toEqual([1, 2, 3]);
  });

  it('is null for an all-zero channel', () => {
    expect(nonZeroQuantiles(new Int16Array(10))).toBeNull();
  });

  // numpy: np.quantile(d[d != 0], [0, .01, .5, .99, 1]) on nibabel get_fdata(float32) of the real case (int16 files)
  it('matches numpy on a real case', async () => {
    const vol = await readNiftiFile(path.join(REAL_DIR, 'TCGA-DU-7294/images/t1c.nii.gz'));
    expect(nonZeroQuantiles(vol.data, levels)).toEqual([-105, 36, 351, 709, 2030]);
  });
});

describe('imageStats', () => {
  it('computes per-channel quantiles and the non-zero (brain) volume of a real case like the trainer', async () => {
    const files = { T1N: 't1', T1C: 't1c', T2W: 't2', T2F: 'flair' } as const;
    const vols = Object.fromEntries(
      await Promise.all(
        Object.entries(files).map(async ([m, f]) => [m, await readNiftiFile(path.join(REAL_DIR, `TCGA-DU-7294/images/${f}.nii.gz`))]),
      ),
    );
    const s = imageStats(vols);
    expect(s.brainVolumeMl).toBeCloseTo(1246.059, 6); // numpy: any(channel != 0).sum() * prod(zooms) / 1000
    expect([s.intensity.T2F![0], s.intensity.T2F![1], s.intensity.T2F![50], s.intensity.T2F![99]]).toEqual([-54, 23, 325, 549]);
    expect(spacingFromAffine(vols.T1N.affine)).toEqual([1, 1, 1]);
  });

  it('counts a voxel once however many channels are non-zero', () => {
    const a = Int16Array.from([0, 1, 1, 0]);
    const b = Int16Array.from([0, 0, 2, 3]);
    expect(nonZeroVolumeMl([a, b], [2, 1, 1])).toBeCloseTo(0.006, 12);
    expect(nonZeroVolumeMl([a, a, a, a, b], [2, 1, 1])).toBeCloseTo(0.006, 12); // the general (5-channel) path
    expect(nonZeroVolumeMl([a], [1, 1, 1])).toBeCloseTo(0.002, 12);
  });
});

describe('histogram shape distance', () => {
  const base = INTENSITY_LEVELS.map((l) => 100 + 700 * l);

  it('z-scores a uniform quantile function exactly', () => {
    const z = zQuantiles(INTENSITY_LEVELS.map((l) => l));
    expect(z[50]).toBeCloseTo(0, 12);
    expect(z[100]).toBeCloseTo(Math.sqrt(3), 12);
  });

  it('ignores scale and offset (the model z-scores every channel)', () => {
    expect(
      shapeDistance(
        base,
        base.map((v) => 2.5 * v - 40),
      ),
    ).toBeCloseTo(0, 9);
  });

  it('grows with a contrast change and is symmetric', () => {
    const gamma = (g: number) => base.map((v) => 800 * (v / 800) ** g);
    const d1 = shapeDistance(base, gamma(1.2));
    const d2 = shapeDistance(base, gamma(2));
    expect(d1).toBeGreaterThan(0.01);
    expect(d2).toBeGreaterThan(d1);
    expect(shapeDistance(gamma(2), base)).toBeCloseTo(d2, 12);
  });

  it('integrates |difference| exactly across a sign change', () => {
    // z-scored, [-1, 1] -> [-sqrt3, sqrt3] and [1, -1] -> [sqrt3, -sqrt3]: the difference runs linearly from
    // -2 sqrt3 to +2 sqrt3 over a segment of width 1, two triangles of area (1/2)(1/2)(2 sqrt3) = sqrt3 / 2 each
    expect(shapeDistance([-1, 1], [1, -1], [0, 1])).toBeCloseTo(Math.sqrt(3), 12);
  });
});
