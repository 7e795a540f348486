import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { loadModel, releaseModels, segment } from '@/lib/server/inference';
import { axisSubsets, combinePredictors, flipBlocks } from '@/lib/server/inference/combine';
import { decoderForCard } from '@/lib/server/inference/decode';
import type { Vec3 } from '@/lib/server/inference/geometry';
import { channelTransform, percentileOfSorted } from '@/lib/server/inference/normalisers';
import { preprocess } from '@/lib/server/inference/preprocess';
import { probabilitiesToNative, softmaxInPlace } from '@/lib/server/inference/postprocess';
import { slidingWindow, type Predictor } from '@/lib/server/inference/sliding-window';
import { tinyCard, upgradedProductionCard, writeTinyOnnx } from './card-v2-fixture';
import { pythonAvailable } from './model-fixture';

/** Card 2's options in the TypeScript pipeline, each on a small synthetic input. */

const ident = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const line = (n: number): { lo: Vec3; hi: Vec3 } => ({ lo: [0, 0, 0], hi: [n - 1, 0, 0] });

describe('normalisations', () => {
  const values = Float32Array.from({ length: 11 }, (_, i) => i); // 0..10 along x
  it('percentile clip and rescale: numpy percentiles (linear), clipped, onto the target range', () => {
    // np.percentile(0..10, [10, 90]) = [1, 9]
    const t = channelTransform(values, [11, 1, 1], line(11), {
      kind: 'percentile-rescale',
      lowerPercentile: 10,
      upperPercentile: 90,
      targetRange: [-1, 1],
      over: 'crop',
    });
    expect([t.f(0), t.f(1), t.f(5), t.f(9), t.f(10)]).toEqual([-1, -1, 0, 1, 1]);
    // over the non-zero voxels 1..10: percentiles 1.9 and 9.1; zeros stay 0
    const nz = channelTransform(values, [11, 1, 1], line(11), {
      kind: 'percentile-rescale',
      lowerPercentile: 10,
      upperPercentile: 90,
      targetRange: [0, 1],
      over: 'nonzero',
    });
    expect(nz.f(0)).toBe(0);
    expect(nz.f(5.5)).toBeCloseTo(0.5, 12);
    expect(nz.f(1.9 + 7.2 * 0.25)).toBeCloseTo(0.25, 12);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2.5);
  });
  it('z-score over the whole crop counts the zeros; z-score in the non-zero mask keeps them 0; none is the identity', () => {
    const v = new Float32Array([0, 0, 2, 2]);
    const crop = channelTransform(v, [4, 1, 1], line(4), { kind: 'zscore', mask: 'crop', std: 'population', epsilon: 1e-8 });
    expect([crop.f(0), crop.f(2)]).toEqual([-1, 1]); // mean 1, std 1
    const masked = channelTransform(v, [4, 1, 1], line(4), {
      kind: 'zscore',
      mask: 'nonzero-per-channel',
      std: 'population',
      epsilon: 1e-8,
      outside: 0,
    });
    expect([masked.f(0), masked.f(2)]).toEqual([0, 0]); // mean 2, std 0 -> epsilon: (2 - 2) / 1e-8
    expect(channelTransform(v, [4, 1, 1], line(4), { kind: 'none' }).f(7.5)).toBe(7.5);
  });
});

describe('grid', () => {
  // a 3x2x2 LPS file volume holding its own file index
  const dims: Vec3 = [3, 2, 2];
  const data = Float32Array.from({ length: 12 }, (_, i) => i + 1);
  const LPS = [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const card = (orientation: 'RAS' | 'native') => {
    const c = upgradedProductionCard();
    Object.assign(c.preprocessing, {
      channels: ['T1N'],
      normalization: [{ kind: 'none' }],
      orientation,
      targetSpacingMm: null,
      crop: { kind: 'none' },
    });
    return c;
  };
  const volumes = { T1N: { dims, affine: LPS, data, affineSource: 'sform' as const } };
  const fileIndex = (x: number, y: number, z: number) => x + 3 * (y + 2 * z);
  it('native: the file voxel order as stored, no flips, no crop, no resampling', () => {
    const { x, geometry } = preprocess(volumes, card('native'));
    expect(geometry).toMatchObject({
      orientation: { perm: [0, 1, 2], flip: [false, false, false], codes: 'LPS' },
      cropLo: [0, 0, 0],
      cropHi: dims,
      resampledShape: dims,
    });
    expect(x[(2 * 2 + 1) * 2 + 0]).toBe(data[fileIndex(2, 1, 0)]); // network voxel (2, 1, 0) = file voxel (2, 1, 0)
  });
  it('RAS: the same volume with x and y reversed', () => {
    const { x } = preprocess(volumes, card('RAS'));
    expect(x[(2 * 2 + 1) * 2 + 0]).toBe(data[fileIndex(0, 0, 0)]);
  });
});

describe('decoding', () => {
  const g = {
    orientation: {
      perm: [0, 1, 2] as Vec3,
      flip: [false, false, false] as [boolean, boolean, boolean],
      spacingRas: [1, 1, 1] as Vec3,
      codes: 'RAS',
    },
    fileDims: [5, 1, 1] as Vec3,
    rasShape: [5, 1, 1] as Vec3,
    cropLo: [0, 0, 0] as Vec3,
    cropHi: [5, 1, 1] as Vec3,
    resampledShape: [5, 1, 1] as Vec3,
  };
  it('sigmoid nested regions (TC, WT, ET as MONAI BraTS, brats2020 labels) become NCR/ED/ET', () => {
    // voxels: nothing, WT only, WT+TC, WT+TC+ET, exactly at the threshold (MONAI: p >= t is in)
    const TC = [0.1, 0.2, 0.9, 0.8, 0.5];
    const WT = [0.2, 0.7, 0.95, 0.99, 0.5];
    const ET = [0.0, 0.1, 0.3, 0.6, 0.4];
    const card = upgradedProductionCard();
    card.output.kind = 'sigmoid';
    card.output.labelMap = 'brats2020';
    card.output.classes = ['TC', 'WT', 'ET'].map((name, index) => ({ index, name, threshold: 0.5 }));
    card.output.paint = [
      { channel: 1, label: 2 },
      { channel: 0, label: 1 },
      { channel: 2, label: 4 },
    ];
    const res = probabilitiesToNative(new Float32Array([...TC, ...WT, ...ET]), 3, g, decoderForCard(card));
    expect(Array.from(res.mask)).toEqual([0, 2, 1, 3, 1]);
    expect(res.labelCounts).toEqual([1, 2, 1, 1]);
  });
  it('softmax classes in another label convention map to product labels (brats2020 4 -> ET; brats2024 RC -> background)', () => {
    const card = upgradedProductionCard();
    card.output.labelMap = 'brats2020';
    card.output.classes = [0, 1, 2, 4].map((label, index) => ({ index, name: String(label), label }));
    expect(Array.from(decoderForCard(card).lut)).toEqual([0, 1, 2, 3]);
    card.output.labelMap = 'brats2024';
    card.output.classes = [0, 1, 2, 3, 4].map((label, index) => ({ index, name: String(label), label }));
    const probs = new Float32Array(5 * 5);
    [4, 1, 2, 3, 0].forEach((k, voxel) => (probs[k * 5 + voxel] = 1)); // class per voxel
    expect(Array.from(probabilitiesToNative(probs, 5, g, decoderForCard(card)).mask)).toEqual([0, 1, 2, 3, 0]);
  });
});

describe('windows: mirroring, constant blending', () => {
  const patch: Vec3 = [3, 2, 4];
  const pv = 24;
  // position-sensitive: output k at a voxel = input * (1 + position) + k
  const ramp: Predictor = async (w, n) => {
    const K = 2;
    const logits = new Float32Array(n * K * pv);
    for (let b = 0; b < n; b++)
      for (let k = 0; k < K; k++) for (let i = 0; i < pv; i++) logits[(b * K + k) * pv + i] = w[b * pv + i] * (1 + i) + k;
    return { logits, features: new Float32Array(n).fill(7) };
  };
  const input = Float32Array.from({ length: 2 * pv }, (_, i) => Math.sin(i)); // two windows, one channel

  it('mirroring TTA equals the mean of the flipped-back predictions of the flipped inputs (probabilities)', async () => {
    const { predict, activated } = combinePredictors([ramp], {
      mirrorAxes: [0, 2],
      average: 'probabilities',
      activation: 'softmax',
      patch,
      channels: 1,
      classes: 2,
    });
    expect(activated).toBe(true);
    const got = await predict(input, 2);
    const want = new Float64Array(2 * 2 * pv);
    for (const axes of [[], [0], [2], [0, 2]]) {
      const out = (await ramp(flipBlocks(input, patch, axes), 2)).logits;
      const back = flipBlocks(out, patch, axes);
      for (let b = 0; b < 2; b++) softmaxInPlace(back.subarray(b * 2 * pv, (b + 1) * 2 * pv), 2);
      back.forEach((v, i) => (want[i] += v / 4));
    }
    got.logits.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    expect(Array.from(got.features)).toEqual([7, 7]);
    expect(axisSubsets([1, 2])).toEqual([[], [1], [2], [1, 2]]);
  });

  it('constant blending averages overlapping windows with equal weight', async () => {
    // 1 x 6 x 1 x 1 volume, patch 4 along x, overlap 0.5: windows at x = 0 and 2, each predicting its call number
    let call = 0;
    const constant: Predictor = async (_w, n) => ({ logits: new Float32Array(n * 4).fill(++call), features: new Float32Array(0) });
    const res = await slidingWindow(
      new Float32Array(6),
      1,
      [6, 1, 1],
      { patch: [4, 1, 1], overlap: 0.5, sigmaScale: 0.125, importanceMinimum: 1e-3, classes: 1, batch: 1, blending: 'constant' },
      constant,
    );
    expect(Array.from(res.logits)).toEqual([1, 1, 1.5, 1.5, 2, 2]);
    expect(Array.from(res.features)).toEqual([]);
  });
});

describe.skipIf(!pythonAvailable())('ensembles and whole cases with card 2 (tiny ONNX graphs)', () => {
  let dir: string;
  let bytes: Record<string, Uint8Array>;
  // inputs (T2F, T1C) -> sigmoid TC, WT, ET; model b is model a doubled
  const a = {
    name: 'a',
    weights: [
      [0, 20],
      [2, 0],
      [0, 20],
    ],
    bias: [-5, -5, -15],
  };
  const b = {
    name: 'b',
    weights: [
      [0, 40],
      [4, 0],
      [0, 40],
    ],
    bias: [-10, -10, -30],
    features: false,
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'card-v2-'));
    bytes = await writeTinyOnnx(dir, [a, b]);
  }, 120_000);
  afterAll(async () => {
    await releaseModels();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const card = () =>
    tinyCard(
      [
        { file: 'a.onnx', bytes: bytes.a },
        { file: 'b.onnx', bytes: bytes.b },
      ],
      (c) => {
        c.preprocessing.channels = ['T2F', 'T1C'];
        c.preprocessing.normalization = [
          { kind: 'none' },
          { kind: 'percentile-rescale', lowerPercentile: 0, upperPercentile: 100, targetRange: [0, 1], over: 'crop' },
        ];
        c.preprocessing.orientation = 'native';
        c.preprocessing.targetSpacingMm = null;
        c.preprocessing.crop = { kind: 'none' };
        Object.assign(c.inference, { patchSize: [8, 8, 8], blending: 'constant', mirrorAxes: [0, 2], average: 'probabilities' });
        Object.assign(c.output, {
          kind: 'sigmoid',
          labelMap: 'brats2020',
          classes: ['TC', 'WT', 'ET'].map((name, index) => ({ index, name, threshold: 0.5 })),
          paint: [
            { channel: 1, label: 2 },
            { channel: 0, label: 1 },
            { channel: 2, label: 4 },
          ],
        });
        c.postprocessing.activation = 'sigmoid';
      },
    );

  it("averages the members' outputs (ensemble of two ONNX files)", async () => {
    const m = await loadModel({ onnxBytes: bytes.a, memberBytes: [bytes.b], card: card() }, { intraOpThreads: 1 });
    const members = await m.predictors();
    expect(members).toHaveLength(2);
    const { predict } = combinePredictors(members, {
      mirrorAxes: [],
      average: 'logits',
      activation: 'sigmoid',
      patch: [8, 8, 8],
      channels: 2,
      classes: 3,
    });
    const w = Float32Array.from({ length: 2 * 512 }, (_, i) => (i % 7) / 7);
    const got = await predict(w, 1);
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 512; i += 37) {
        const x = [w[i], w[512 + i]];
        const la = a.weights[k][0] * x[0] + a.weights[k][1] * x[1] + a.bias[k];
        const lb = b.weights[k][0] * x[0] + b.weights[k][1] * x[1] + b.bias[k];
        expect(got.logits[k * 512 + i]).toBeCloseTo((la + lb) / 2, 4);
      }
    await expect(loadModel({ onnxBytes: bytes.a, card: card() })).rejects.toThrow(/2 ONNX files/);
  });

  it('segments a case: channel subset and order, percentile rescale, native grid, no crop, mirroring, ensemble, sigmoid regions -> product labels', async () => {
    const dims: Vec3 = [12, 10, 9];
    const n = dims[0] * dims[1] * dims[2];
    const T2F = new Float32Array(n);
    const T1C = new Float32Array(n);
    const want = new Uint8Array(n);
    for (let z = 0; z < dims[2]; z++)
      for (let y = 0; y < dims[1]; y++)
        for (let x = 0; x < dims[0]; x++) {
          const i = x + dims[0] * (y + dims[1] * z);
          const r = Math.max(Math.abs(x - 6), Math.abs(y - 5), Math.abs(z - 4));
          // WT -> ED, TC -> NCR, ET (brats2020 label 4) -> product 3
          if (r <= 3) [T2F[i], want[i]] = [5, 2];
          if (r <= 2) [T1C[i], want[i]] = [50, 1];
          if (r <= 0) [T1C[i], want[i]] = [100, 3];
        }
    const vol = (data: Float32Array) => ({ dims, affine: ident, data, affineSource: 'sform' as const });
    const model = await loadModel({ onnxBytes: bytes.a, memberBytes: [bytes.b], card: card() }, { intraOpThreads: 1 });
    const res = await segment({ model, volumes: { T2F: vol(T2F), T1C: vol(T1C) } });
    expect(res.geometry).toMatchObject({ cropLo: [0, 0, 0], cropHi: dims, resampledShape: dims });
    expect(Array.from(res.mask)).toEqual(Array.from(want));
    expect(res.features).toEqual([]);
    expect(res.volumesMl.ET).toBeCloseTo(0.001, 9);
    expect(driftReferenceFromCard(card()).features).toBeNull(); // the Mahalanobis check is skipped
  }, 120_000);
});
