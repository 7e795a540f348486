import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '@/lib/server/inference/geometry';
import { softmaxInPlace } from '@/lib/server/inference/postprocess';
import { resampleTrilinear } from '@/lib/server/inference/resample';
import { slidingWindow } from '@/lib/server/inference/sliding-window';
import { gaussianImportance, windowStarts } from '@/lib/server/inference/windows';
import { PYTHON, pythonAvailable } from './model-fixture';

/**
 * Each numeric step against torch / MONAI themselves (tests/inference/torch_reference.py), one Python call for all.
 * On this machine's torch build the resampling agrees to the bit (it fuses multiply-adds; resample.ts does the
 * same), so the tolerances below only leave room for a torch built without FMA.
 */

const RESAMPLES: [number[], number[]][] = [
  [
    [2, 13, 17, 11],
    [2, 7, 9, 5],
  ],
  [
    [2, 7, 9, 5],
    [2, 13, 17, 11],
  ],
  [
    [1, 133, 40, 21],
    [1, 67, 20, 11],
  ],
];
const GAUSSIANS: Vec3[] = [
  [32, 32, 32],
  [64, 48, 20],
];
const STARTS: [number, number, number][] = [
  [70, 64, 0.5],
  [100, 32, 0.25],
  [33, 16, 0.5],
  [83, 32, 0.5],
  [67, 64, 0.25],
];
const SW = { shape: [2, 19, 11, 7] as const, patch: [8, 8, 8] as Vec3, overlap: 0.5, sigmaScale: 0.125 };

describe.skipIf(!pythonAvailable())('TypeScript steps vs torch / MONAI', () => {
  let dir: string;
  let startsRef: (number[] | null)[];
  const input = (name: string, n: number, f: (i: number) => number) => {
    const a = new Float32Array(n).map((_, i) => f(i));
    writeFileSync(path.join(dir, name), a);
    return a;
  };
  const read = (name: string) => {
    const b = readFileSync(path.join(dir, name));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const output = read;
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const worst = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'inference-torch-'));
    const tasks: object[] = [];
    RESAMPLES.forEach(([inShape, outShape], i) => {
      input(`rs${i}.in`, size(inShape), (k) => Math.sin(k * 1.3) * 100);
      tasks.push({ op: 'resample', input: path.join(dir, `rs${i}.in`), output: path.join(dir, `rs${i}.out`), inShape, outShape });
    });
    GAUSSIANS.forEach((patch, i) => tasks.push({ op: 'gaussian', patch, sigmaScale: 0.125, output: path.join(dir, `g${i}.out`) }));
    input('sm.in', 4 * 3000, (k) => Math.sin(k * 0.77) * 6);
    tasks.push({ op: 'softmax', input: path.join(dir, 'sm.in'), shape: [4, 3000], output: path.join(dir, 'sm.out') });
    STARTS.forEach(([n, p, overlap]) => tasks.push({ op: 'starts', n, p, overlap }));
    input('sw.in', size(SW.shape), (k) => Math.cos(k * 0.31) * 2);
    input('sw.ramp', size(SW.patch), (k) => 1 + k / 100);
    tasks.push({
      op: 'sliding-window',
      input: path.join(dir, 'sw.in'),
      ramp: path.join(dir, 'sw.ramp'),
      output: path.join(dir, 'sw.out'),
      ...SW,
    });
    const tasksFile = path.join(dir, 'tasks.json');
    writeFileSync(tasksFile, JSON.stringify(tasks));
    const { stdout } = await promisify(execFile)(PYTHON, [path.join(__dirname, 'torch_reference.py'), tasksFile], { timeout: 120_000 });
    startsRef = (JSON.parse(stdout) as (number[] | null)[]).filter((r) => r !== null);
  }, 180_000);

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it.each(RESAMPLES.map((r, i) => [i, ...r] as const))('resample #%i %j -> %j equals F.interpolate(trilinear)', (i, inShape, outShape) => {
    const x = read(`rs${i}.in`);
    const got = resampleTrilinear(x, inShape[0], inShape.slice(1) as Vec3, outShape.slice(1) as Vec3);
    expect(worst(got, output(`rs${i}.out`))).toBeLessThanOrEqual(1e-4); // values up to 100: a few float32 ulps
  });

  it.each(GAUSSIANS.map((p, i) => [i, p] as const))('gaussian #%i %j equals compute_importance_map', (i, patch) => {
    expect(Array.from(gaussianImportance(patch, 0.125, 1e-3))).toEqual(Array.from(output(`g${i}.out`)));
  });

  it('softmax agrees with torch.softmax to an ulp', () => {
    const x = read('sm.in');
    softmaxInPlace(x, 4);
    expect(worst(x, output('sm.out'))).toBeLessThan(3e-7);
  });

  it('window starts equal dense_patch_slices', () => {
    STARTS.forEach(([n, p, overlap], i) => expect(windowStarts(n, p, overlap)).toEqual(startsRef[i]));
  });

  it('sliding window with a position-sensitive predictor equals sliding_window_inference(gaussian)', async () => {
    const x = read('sw.in');
    const ramp = read('sw.ramp');
    const [C, ...shape] = SW.shape;
    const pv = size(SW.patch);
    const res = await slidingWindow(x, C, shape as Vec3, { ...SW, importanceMinimum: 1e-3, classes: C, batch: 2 }, async (w, n) => {
      const logits = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) logits[i] = w[i] * ramp[i % pv];
      return { logits, features: new Float32Array(n) };
    });
    expect(worst(res.logits, output('sw.out'))).toBeLessThan(1e-5);
  });
});
