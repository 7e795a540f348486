/**
 * Nesting through the real pipeline: tiny sigmoid ONNX models (TC, WT, ET as MONAI's BraTS bundle; 1x1x1
 * convolutions written by tests/inference/tiny_onnx.py) whose regions nest, or whose ET lies outside a TC that is
 * never predicted. The final mask hides the difference (later paints overwrite); the raw outputs the flip run
 * counts do not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, releaseModels, segment } from '@/lib/server/inference';
import { flipStats } from '@/lib/server/drift/agnostic/flip';
import type { CaseVolumes } from '@/lib/server/inference/preprocess';
import { tinyCard, writeTinyOnnx } from '../inference/card-v2-fixture';

const DIMS: [number, number, number] = [12, 10, 9];
const IDENT = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
// one input channel (T1C, no normalisation): ET where x > 75, TC where x > 50 (or never), WT where x > 5
const NESTED = { name: 'nested', weights: [[1], [1], [1]], bias: [-50, -5, -75], features: false };
const BROKEN = { name: 'broken', weights: [[0], [1], [1]], bias: [-10, -5, -75], features: false };

function volumes(): CaseVolumes {
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const data = new Float32Array(n);
  for (let z = 0; z < DIMS[2]; z++)
    for (let y = 0; y < DIMS[1]; y++)
      for (let x = 0; x < DIMS[0]; x++) {
        const r = Math.max(Math.abs(x - 6), Math.abs(y - 5), Math.abs(z - 4));
        data[x + DIMS[0] * (y + DIMS[1] * z)] = r <= 1 ? 100 : r <= 2 ? 60 : r <= 3 ? 10 : 0;
      }
  return { T1C: { dims: DIMS, affine: IDENT, data, affineSource: 'sform' } } as unknown as CaseVolumes;
}

describe('nesting of a sigmoid model, measured on its raw outputs', () => {
  let dir = '';
  let bytes: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nesting-'));
    bytes = await writeTinyOnnx(dir, [NESTED, BROKEN]);
  }, 120_000);
  afterAll(async () => {
    await releaseModels();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const model = (name: 'nested' | 'broken') =>
    loadModel(
      {
        onnxBytes: bytes[name],
        card: tinyCard([{ file: `${name}.onnx`, bytes: bytes[name] }], (c) => {
          c.preprocessing.channels = ['T1C'];
          c.preprocessing.normalization = [{ kind: 'none' }];
          Object.assign(c.preprocessing, { orientation: 'native', targetSpacingMm: null, crop: { kind: 'none' } });
          Object.assign(c.inference, { patchSize: [8, 8, 8], blending: 'constant', mirrorAxes: [] });
          Object.assign(c.output, {
            kind: 'sigmoid',
            labelMap: 'brats2020',
            classes: ['TC', 'WT', 'ET'].map((n, index) => ({ index, name: n, threshold: 0.5 })),
            paint: [
              { channel: 1, label: 2 },
              { channel: 0, label: 1 },
              { channel: 2, label: 4 },
            ],
          });
          c.postprocessing.activation = 'sigmoid';
          delete c.postprocessing.argmax;
        }),
      },
      { intraOpThreads: 1 },
    );

  it('is 0 when ET lies in TC in WT, and 1 when every ET voxel lies outside TC, though both masks paint ET', async () => {
    const v = volumes();
    const nested = await model('nested');
    const served = await segment({ model: nested, volumes: v });
    expect(served.volumesMl.ET).toBeGreaterThan(0);
    expect((await flipStats(nested, v, served.mask, [[0]])).nesting).toBe(0);
    const broken = await model('broken');
    const brokenMask = await segment({ model: broken, volumes: v });
    expect(brokenMask.volumesMl.ET).toBeGreaterThan(0); // the painted mask still shows ET: only the raw outputs tell
    expect((await flipStats(broken, v, brokenMask.mask, [[0]])).nesting).toBe(1);
  }, 60_000);
});
