import { describe, expect, it } from 'vitest';
import { orientationFromAffine, rasShapeOf, type Geometry, type Vec3 } from '@/lib/server/inference/geometry';
import { probabilitiesToNative, softmaxInPlace } from '@/lib/server/inference/postprocess';
import { linearAxisMap, resampleTrilinear } from '@/lib/server/inference/resample';
import { blockLabels, certainLabels, workBox } from '@/lib/server/inference/certain';
import { componentCounts, subregionVolumes, voxelMl } from '@/lib/server/inference/summary';
import { dropSmallComponents } from '@/lib/server/inference/small-components';

const LPS = [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

function geometry(affine: number[], fileDims: Vec3, cropLo: Vec3, cropHi: Vec3, resampledShape: Vec3): Geometry {
  const orientation = orientationFromAffine(affine);
  return { orientation, fileDims, rasShape: rasShapeOf(fileDims, orientation), cropLo, cropHi, resampledShape };
}

describe('probabilitiesToNative', () => {
  it('argmax keeps the first maximum, pastes at the crop offset and undoes the LPS flips', () => {
    // crop = RAS [1, 3) x [0, 1) x [0, 2) of a 4x2x2 file volume, no resampling (target = crop shape)
    const g = geometry(LPS, [4, 2, 2], [1, 0, 0], [3, 1, 2], [2, 1, 2]);
    const K = 4;
    const n = 4; // crop voxels in C order: (a, c) = (0,0), (0,1), (1,0), (1,1)
    const probs = new Float32Array(K * n);
    const set = (voxel: number, p: number[]) => p.forEach((v, k) => (probs[k * n + voxel] = v));
    set(0, [0.1, 0.2, 0.3, 0.4]); // ET
    set(1, [0.25, 0.25, 0.25, 0.25]); // tie: background wins
    set(2, [0.1, 0.4, 0.4, 0.1]); // tie between NCR and ED: NCR wins
    set(3, [0.7, 0.1, 0.1, 0.1]); // background
    const res = probabilitiesToNative(probs, K, g);
    // RAS (a, b, c) = crop (1 + a, 0, c) -> file (x, y, z) = (3 - (1 + a), 1 - 0, c)
    const file = (x: number, y: number, z: number) => x + 4 * (y + 2 * z);
    const expected = new Uint8Array(16);
    expected[file(2, 1, 0)] = 3;
    expected[file(1, 1, 0)] = 1;
    expect(Array.from(res.mask)).toEqual(Array.from(expected));
    expect(res.labelCounts).toEqual([2, 1, 0, 1]);
    // normalised entropy of the two foreground voxels
    const h = (p: number[]) => -p.reduce((s, v) => s + v * Math.log(v), 0) / Math.log(4);
    expect(res.foregroundEntropySum).toBeCloseTo(h([0.1, 0.2, 0.3, 0.4]) + h([0.1, 0.4, 0.4, 0.1]), 5);
  });

  it('resamples the probabilities to the crop shape before the argmax', () => {
    // 1x1x2 target grid -> 1x1x4 crop: class 1 on the left half, class 2 on the right half
    const g = geometry([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [1, 1, 4], [0, 0, 0], [1, 1, 4], [1, 1, 2]);
    const probs = new Float32Array([0, 0, /* k1 */ 0.9, 0.1, /* k2 */ 0.1, 0.9, /* k3 */ 0, 0]);
    expect(Array.from(probabilitiesToNative(probs, 4, g).mask)).toEqual([1, 1, 2, 2]);
  });
});

describe('probabilitiesToNative: the certain-background shortcut changes nothing', () => {
  /** Brute force: resample every class over the whole crop, argmax (first maximum), paste by the orientation rule. */
  function bruteForce(probs: Float32Array, K: number, g: Geometry) {
    const crop = g.cropLo.map((l, k) => g.cropHi[k] - l) as Vec3;
    const native = resampleTrilinear(probs, K, g.resampledShape, crop);
    const n = crop[0] * crop[1] * crop[2];
    const mask = new Uint8Array(g.fileDims[0] * g.fileDims[1] * g.fileDims[2]);
    let entropy = 0;
    for (let a = 0, t = 0; a < crop[0]; a++)
      for (let b = 0; b < crop[1]; b++)
        for (let c = 0; c < crop[2]; c++, t++) {
          let best = 0;
          for (let k = 1; k < K; k++) if (native[k * n + t] > native[best * n + t]) best = k;
          if (best === 0) continue;
          const ras = [g.cropLo[0] + a, g.cropLo[1] + b, g.cropLo[2] + c];
          const file = [0, 0, 0];
          g.orientation.perm.forEach((j, k) => (file[j] = g.orientation.flip[k] ? g.fileDims[j] - 1 - ras[k] : ras[k]));
          mask[file[0] + g.fileDims[0] * (file[1] + g.fileDims[1] * file[2])] = best;
          for (let k = 0; k < K; k++) if (native[k * n + t] > 0) entropy -= (native[k * n + t] * Math.log(native[k * n + t])) / Math.log(K);
        }
    return { mask, entropy };
  }

  it.each([
    ['a lesion in confident background', 3, true],
    ['patchy classes everywhere (an untrained model)', 0.2, false],
  ])('%s', (_, confidence, shortcut) => {
    const target: Vec3 = [9, 11, 7];
    const n = target[0] * target[1] * target[2];
    const K = 4;
    const logits = new Float32Array(K * n);
    for (let x = 0, t = 0; x < target[0]; x++)
      for (let y = 0; y < target[1]; y++)
        for (let z = 0; z < target[2]; z++, t++) {
          const inLesion = (x - 4) ** 2 + (y - 6) ** 2 + (z - 3) ** 2 < 6;
          logits[t] = inLesion ? 0 : confidence * 4;
          for (let k = 1; k < K; k++) logits[k * n + t] = Math.sin(t * 0.9 + k * 2.1) * 2 + (inLesion ? 1 : 0);
        }
    softmaxInPlace(logits, K);
    const g = geometry(LPS, [30, 28, 20], [3, 2, 1], [22, 25, 16], target);
    const got = probabilitiesToNative(logits, K, g);
    const want = bruteForce(logits, K, g);
    // the resampled box is smaller than the crop exactly when most of it is certain background
    const maps = [0, 1, 2].map((k) => linearAxisMap(target[k], g.cropHi[k] - g.cropLo[k]));
    const box = workBox(blockLabels(certainLabels(logits, K), target), target, maps)!;
    const boxVoxels = [0, 1, 2].reduce((v, k) => v * (box.to[k] - box.from[k]), 1);
    expect(boxVoxels < 19 * 23 * 15).toBe(shortcut);
    expect(Array.from(got.mask)).toEqual(Array.from(want.mask));
    expect(got.foregroundEntropySum).toBeCloseTo(want.entropy, 6);
    const foreground = Array.from(got.mask).filter((v) => v > 0).length;
    expect(foreground).toBeGreaterThan(0);
    expect(got.labelCounts.slice(1).reduce((a, b) => a + b)).toBe(foreground);
    // the file box it reports (what the component scans read) holds every labelled voxel, and is tight when shortcut
    const { lo, hi } = got.box!;
    const [nx, ny] = g.fileDims;
    got.mask.forEach((v, i) => {
      if (v === 0) return;
      const f = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      expect(f.every((c, j) => c >= lo[j] && c <= hi[j])).toBe(true);
    });
    expect([0, 1, 2].reduce((v, j) => v * (hi[j] - lo[j] + 1), 1)).toBe(boxVoxels);
  });
});

describe('summary', () => {
  it('volumes in mL from label counts and the affine voxel size', () => {
    const ml = voxelMl([2, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, -3, 0, 0, 0, 0, 1]);
    expect(ml).toBeCloseTo(0.003, 12);
    expect(subregionVolumes([100, 1, 2, 3], 0.5)).toEqual({ NCR: 0.5, ED: 1, ET: 1.5, TC: 2, WT: 3 });
  });

  it('components are 26-connected, per region (WT = 1,2,3; TC = 1,3; ET = 3)', () => {
    const dims: Vec3 = [5, 5, 5];
    const mask = new Uint8Array(125);
    const at = (x: number, y: number, z: number) => x + 5 * (y + 5 * z);
    mask[at(0, 0, 0)] = 3;
    mask[at(1, 1, 1)] = 1; // touches (0,0,0) by a corner only: one WT and one TC component under 26-connectivity
    mask[at(4, 4, 4)] = 2; // an island of edema: a second WT component, no TC
    mask[at(4, 0, 4)] = 3;
    expect(componentCounts(mask, dims)).toEqual({ WT: 3, TC: 2, ET: 2 });
    // restricting the scan to a box that holds every label changes nothing
    expect(componentCounts(mask, dims, { lo: [0, 0, 0], hi: [4, 4, 4] })).toEqual({ WT: 3, TC: 2, ET: 2 });
    expect(componentCounts(new Uint8Array(125), dims)).toEqual({ WT: 0, TC: 0, ET: 0 });
  });
});

describe('dropSmallComponents (the card step dropComponentsAtMostMm3; predict.py drop_small_components)', () => {
  // 6x6x6 grid, voxels of 2 x 1 x 1.5 = 3 mm^3: a 4-voxel edema speck (12 mm^3), a 5-voxel mixed-label blob touching
  // another voxel by a corner only (6 voxels, 18 mm^3 under 26-connectivity) and a 9-voxel lesion (27 mm^3).
  const dims: Vec3 = [6, 6, 6];
  const at = (x: number, y: number, z: number) => x + 6 * (y + 6 * z);
  function mask(): Uint8Array {
    const m = new Uint8Array(216);
    for (let x = 0; x < 4; x++) m[at(x, 0, 0)] = 2;
    [at(0, 3, 0), at(1, 3, 0), at(0, 4, 0), at(1, 4, 0), at(0, 5, 0)].forEach((i, k) => (m[i] = k % 2 ? 3 : 1));
    m[at(2, 5, 1)] = 2; // corner-touches (1,4,0): joins the blob
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) m[at(x + 3, y + 3, 5)] = x === 1 && y === 1 ? 3 : 2;
    return m;
  }
  const whole = { lo: [0, 0, 0] as Vec3, hi: [5, 5, 5] as Vec3 };

  it('removes whole-tumour components at or below the volume, counts what it removed per label', () => {
    const m = mask();
    const removed = dropSmallComponents(m, dims, 3, 18, whole);
    expect(removed).toEqual([0, 3, 5, 2]); // speck: 4 ED; blob: 3 NCR, 2 ET, 1 ED (18 mm^3 is "at most" 18)
    expect(componentCounts(m, dims)).toEqual({ WT: 1, TC: 1, ET: 1 });
    expect(m.reduce((a, v) => a + (v ? 1 : 0), 0)).toBe(9);
  });

  it('keeps components just above the volume; 0 (cards without the step) removes nothing', () => {
    const m = mask();
    expect(dropSmallComponents(m, dims, 3, 17.99, whole)).toEqual([0, 0, 4, 0]);
    expect(componentCounts(m, dims).WT).toBe(2);
    const untouched = mask();
    expect(dropSmallComponents(untouched, dims, 3, 0, whole)).toEqual([0, 0, 0, 0]);
    expect(untouched).toEqual(mask());
  });

  it('reads only the box it is given (the crop: outside it the mask is empty)', () => {
    const m = mask();
    expect(dropSmallComponents(m, dims, 3, 12, { lo: [0, 0, 0], hi: [5, 2, 5] })).toEqual([0, 0, 4, 0]);
    expect(m[at(0, 3, 0)]).toBe(1);
  });
});
