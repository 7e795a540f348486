import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '@/lib/server/inference/geometry';
import { channelTransform } from '@/lib/server/inference/normalisers';
import { sigmoidInPlace } from '@/lib/server/inference/postprocess';
import { slidingWindow } from '@/lib/server/inference/sliding-window';
import { PYTHON, pythonAvailable } from './model-fixture';

/**
 * Card 2's new numeric options against MONAI / torch (torch_reference.py): constant blending, sigmoid, percentile
 * rescale (ScaleIntensityRangePercentiles) and the z-score variants (NormalizeIntensity), which MONAI bundles use.
 */

const SW = { shape: [2, 19, 11, 7] as const, patch: [8, 8, 8] as Vec3, overlap: 0.5, sigmaScale: 0.125, mode: 'constant' };
const VOL: Vec3 = [9, 7, 5];
const n = VOL[0] * VOL[1] * VOL[2];

describe.skipIf(!pythonAvailable())('card 2 options vs MONAI / torch', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const write = (name: string, a: Float32Array) => (writeFileSync(file(name), a), a);
  const read = (name: string) => {
    const b = readFileSync(file(name));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const worst = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
  // an image with a zero background and a ramp of intensities inside
  const image = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 100 + ((i * 37) % 251)));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'card-v2-torch-'));
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    write(
      'sw.in',
      Float32Array.from({ length: size(SW.shape) }, (_, k) => Math.cos(k * 0.31) * 2),
    );
    write(
      'sw.ramp',
      Float32Array.from({ length: size(SW.patch) }, (_, k) => 1 + k / 100),
    );
    write(
      'sg.in',
      Float32Array.from({ length: 3000 }, (_, k) => Math.sin(k * 0.77) * 12),
    );
    write('img', image);
    const tasks = [
      { op: 'sliding-window', input: file('sw.in'), ramp: file('sw.ramp'), output: file('sw.out'), ...SW },
      { op: 'sigmoid', input: file('sg.in'), shape: [3000], output: file('sg.out') },
      { op: 'percentile-rescale', input: file('img'), shape: VOL, lower: 5, upper: 95, bMin: 0, bMax: 1, output: file('pr.out') },
      { op: 'zscore', input: file('img'), shape: VOL, nonzero: true, output: file('zn.out') },
      { op: 'zscore', input: file('img'), shape: VOL, nonzero: false, output: file('zc.out') },
    ];
    writeFileSync(file('tasks.json'), JSON.stringify(tasks));
    await promisify(execFile)(PYTHON, [path.join(__dirname, 'torch_reference.py'), file('tasks.json')], { timeout: 120_000 });
  }, 180_000);

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('constant blending equals sliding_window_inference(mode="constant")', async () => {
    const x = read('sw.in');
    const ramp = read('sw.ramp');
    const [C, ...shape] = SW.shape;
    const pv = 512;
    const res = await slidingWindow(
      x,
      C,
      shape as Vec3,
      { ...SW, importanceMinimum: 1e-3, classes: C, batch: 2, blending: 'constant' },
      async (w, k) => {
        const logits = new Float32Array(w.length);
        for (let i = 0; i < w.length; i++) logits[i] = w[i] * ramp[i % pv];
        return { logits, features: new Float32Array(k) };
      },
    );
    expect(worst(res.logits, read('sw.out'))).toBeLessThan(1e-5);
  });

  it('sigmoid agrees with torch.sigmoid to an ulp', () => {
    const x = read('sg.in');
    sigmoidInPlace(x);
    expect(worst(x, read('sg.out'))).toBeLessThan(3e-7);
  });

  const box = { lo: [0, 0, 0] as Vec3, hi: VOL.map((d) => d - 1) as Vec3 };
  // the file layout here is x fastest; MONAI's is z fastest: the transforms are pointwise, so only the statistics
  // matter, and they do not depend on the order
  const apply = (t: ReturnType<typeof channelTransform>) => Float32Array.from(image, (v) => t.f(v));

  it('percentile-rescale (over the crop) equals ScaleIntensityRangePercentiles(clip=True)', () => {
    const t = channelTransform(image, VOL, box, {
      kind: 'percentile-rescale',
      lowerPercentile: 5,
      upperPercentile: 95,
      targetRange: [0, 1],
      over: 'crop',
    });
    expect(worst(apply(t), read('pr.out'))).toBeLessThan(1e-6);
  });

  it('z-score in the non-zero mask and over the crop equal NormalizeIntensity(nonzero=True / False)', () => {
    const masked = channelTransform(image, VOL, box, {
      kind: 'zscore',
      mask: 'nonzero-per-channel',
      std: 'population',
      epsilon: 1e-8,
      outside: 0,
    });
    expect(worst(apply(masked), read('zn.out'))).toBeLessThan(1e-5);
    const crop = channelTransform(image, VOL, box, { kind: 'zscore', mask: 'crop', std: 'population', epsilon: 1e-8 });
    expect(worst(apply(crop), read('zc.out'))).toBeLessThan(1e-5);
  });
});
