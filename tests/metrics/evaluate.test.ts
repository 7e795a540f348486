import { describe, expect, it } from 'vitest';
import { LABEL_MAPS } from '@/lib/labels';
import { CHALLENGES, resolveChallenge } from '@/lib/metrics/challenges';
import { evaluateCase, evaluateRegion } from '@/lib/metrics/evaluate';
import { assertSameGrid, labelBytes } from '@/lib/metrics/grid';
import { summarizeCase } from '@/lib/metrics/summary';
import { MetricsInputError, type Dims } from '@/lib/metrics/types';

const DIMS: Dims = [20, 20, 20];

/** A label volume: NCR core, ET shell around it, edema around that (labels given by the caller's convention). */
function tumour(ncr: number, ed: number, et: number, shift = 0): Uint8Array {
  const m = new Uint8Array(8000);
  for (let z = 0; z < 20; z++)
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 20; x++) {
        const r = Math.max(Math.abs(x - 10 - shift), Math.abs(y - 10), Math.abs(z - 10));
        m[x + 20 * y + 400 * z] = r <= 1 ? ncr : r <= 3 ? et : r <= 6 ? ed : 0;
      }
  return m;
}

describe('evaluateCase', () => {
  it('derives WT, TC and ET from the label map', () => {
    const ref = tumour(1, 2, 3);
    const m = evaluateCase({ pred: ref, ref, dims: DIMS, spacing: [1, 1, 1] });
    expect(m.WT.refVolumeMl).toBe(13 ** 3 / 1000);
    expect(m.TC.refVolumeMl).toBe(7 ** 3 / 1000);
    expect(m.ET.refVolumeMl).toBe((7 ** 3 - 27) / 1000);
    for (const r of ['WT', 'TC', 'ET'] as const) expect([m[r].dice, m[r].hd95, m[r].lesionWiseDice]).toEqual([1, 0, 1]);
  });

  it('reads BraTS 2020 masks (ET = 4) with the brats2020 map exactly as product masks', () => {
    const pred = tumour(1, 2, 3, 1);
    const ref = tumour(1, 2, 3);
    const product = evaluateCase({ pred, ref, dims: DIMS, spacing: [1, 1, 1] });
    const legacy = evaluateCase({
      pred: pred.map((v) => (v === 3 ? 4 : v)),
      ref: ref.map((v) => (v === 3 ? 4 : v)),
      dims: DIMS,
      spacing: [1, 1, 1],
      labelMap: LABEL_MAPS.brats2020,
    });
    expect(summarizeCase(legacy)).toEqual(summarizeCase(product));
    expect(product.WT.dice).toBeLessThan(1);
  });

  it('keeps the BraTS 2024 resection cavity (label 4) out of every region', () => {
    const ref = tumour(1, 2, 3);
    const withCavity = ref.slice();
    withCavity[0] = 4;
    const m = evaluateCase({ pred: withCavity, ref, dims: DIMS, spacing: [1, 1, 1], labelMap: LABEL_MAPS.brats2024 });
    expect([m.WT.dice, m.TC.dice, m.ET.dice, m.WT.fp]).toEqual([1, 1, 1, 0]);
  });

  it('refuses a label outside the map and a wrong-sized volume', () => {
    const legacy = tumour(1, 2, 4);
    expect(() => evaluateCase({ pred: legacy, ref: legacy, dims: DIMS, spacing: [1, 1, 1] })).toThrow(/label 4.*brats2023/);
    expect(() => evaluateCase({ pred: new Uint8Array(10), ref: legacy, dims: DIMS, spacing: [1, 1, 1] })).toThrow(MetricsInputError);
    expect(() => evaluateCase({ pred: legacy, ref: legacy, dims: DIMS, spacing: [1, 0, 1] })).toThrow(/spacing/);
  });
});

describe('challenges', () => {
  it('holds the official settings as data and resolves BraTS-style names', () => {
    expect(CHALLENGES).toMatchObject({
      GLI: { dilation: 3, volumeThresholdMm3: 50 },
      SSA: { dilation: 3, volumeThresholdMm3: 50 },
      PED: { dilation: 3, volumeThresholdMm3: 50 },
      MEN: { dilation: 1, volumeThresholdMm3: 50 },
      MET: { dilation: 1, volumeThresholdMm3: 2 },
    });
    expect(resolveChallenge('BraTS-MET')).toBe(CHALLENGES.MET);
    expect(resolveChallenge('men')).toBe(CHALLENGES.MEN);
    expect(() => resolveChallenge('XYZ')).toThrow(/Unknown challenge/);
  });

  it('accepts explicit settings: dilation 0 keeps every reference component its own lesion', () => {
    const ref = new Uint8Array(8000);
    ref[0] = ref[2] = 1; // two voxels two apart: one lesion under any dilation, two without
    const none = evaluateRegion(ref, ref, DIMS, [1, 1, 1], { name: 'custom', dilation: 0, volumeThresholdMm3: 0 });
    const gli = evaluateRegion(ref, ref, DIMS, [1, 1, 1], { name: 'custom', dilation: 3, volumeThresholdMm3: 0 });
    expect([none.lesions.length, gli.lesions.length]).toEqual([2, 1]);
  });
});

describe('grid checks', () => {
  const vol = (dims: number[], spacing: number[], data: ArrayLike<number> = new Uint8Array(8)) => ({ dims, spacing, data });

  it('refuses masks on different grids', () => {
    expect(() => assertSameGrid(vol([2, 2, 2], [1, 1, 1]), vol([2, 2, 3], [1, 1, 1]))).toThrow(/2x2x2.*2x2x3/);
    expect(() => assertSameGrid(vol([2, 2, 2], [1, 1, 1]), vol([2, 2, 2], [1, 1, 1.2]))).toThrow(/spacing/);
    const a = { ...vol([2, 2, 2], [1, 1, 1]), affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const b = { ...a, affine: [-1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    expect(() => assertSameGrid(a, b)).toThrow(/orientation/);
    expect(assertSameGrid(a, { ...a })).toEqual({ dims: [2, 2, 2], spacing: [1, 1, 1] });
  });

  it('converts integer label arrays and refuses non-label values', () => {
    expect(Array.from(labelBytes(Int16Array.from([0, 1, 4]), 'm'))).toEqual([0, 1, 4]);
    expect(() => labelBytes(Float32Array.from([0, 0.5]), 'm')).toThrow(/not a label mask/);
    expect(() => labelBytes(Int16Array.from([0, 300]), 'm')).toThrow(/300/);
  });
});
