import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '@/lib/server/inference/geometry';
import { nnunetGaussian, nnunetWindowStarts, toFloat16, unionFilledMask } from '@/lib/server/inference/nnunet';
import { PYTHON, pythonAvailable } from '../inference/model-fixture';

/** The nnU-Net parts of the pipeline (lib/server/inference/nnunet.ts) against nnunetv2's own functions, exactly. */

const STEPS: [number, number][] = [
  [96, 96],
  [97, 96],
  [116, 96],
  [167, 96],
  [136, 96],
  [110, 64],
  [240, 64],
  [33, 16],
  [200, 48],
];
const PATCHES: Vec3[] = [
  [96, 96, 96],
  [64, 48, 32],
  [17, 20, 9],
];
const DIMS: Vec3 = [23, 19, 17];

describe.skipIf(!pythonAvailable())('nnU-Net ports vs nnunetv2', () => {
  let dir: string;
  const file = (n: string) => path.join(dir, n);
  const f32 = (n: string) => {
    const b = readFileSync(file(n));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  // two channels: a hollow ball (its inside is a hole to fill) and a line on its own
  const volumes = [0, 1].map((c) =>
    Float32Array.from({ length: DIMS[0] * DIMS[1] * DIMS[2] }, (_, i) => {
      const [x, y, z] = [i % DIMS[0], Math.floor(i / DIMS[0]) % DIMS[1], Math.floor(i / (DIMS[0] * DIMS[1]))];
      const r = Math.hypot(x - 11, y - 9, z - 8);
      if (c === 0) return r > 3 && r < 6 ? 5 : 0;
      return x > 14 && y === 3 ? 7 : 0;
    }),
  );

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nnunet-ports-'));
    const joined = new Float32Array(volumes[0].length * 2);
    volumes.forEach((v, c) => joined.set(v, c * v.length));
    writeFileSync(file('vol'), joined);
    const tasks = [
      { op: 'steps', cases: STEPS, step: 0.5, output: file('steps.json') },
      ...PATCHES.map((patch, i) => ({ op: 'gaussian', patch, output: file(`g${i}`) })),
      { op: 'mask', input: file('vol'), channels: 2, shape: DIMS, output: file('mask') },
    ];
    writeFileSync(file('tasks.json'), JSON.stringify(tasks));
    await promisify(execFile)(PYTHON, [path.join(__dirname, 'nnunet_reference.py'), file('tasks.json')], { timeout: 120_000 });
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('window starts equal compute_steps_for_sliding_window', () => {
    const want = JSON.parse(readFileSync(file('steps.json'), 'utf8')) as number[][];
    expect(STEPS.map(([n, p]) => nnunetWindowStarts(n, p, 0.5))).toEqual(want);
  });

  it('the importance map equals compute_gaussian (float16 values), bit for bit', () => {
    PATCHES.forEach((patch, i) => expect(Array.from(nnunetGaussian(patch, 1 / 8)), patch.join('x')).toEqual(Array.from(f32(`g${i}`))));
  });

  it('toFloat16 rounds like torch: ties to even, subnormals, overflow', () => {
    expect([1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -24 * 1.5, 2 ** -25, 2 ** -26, 0.1, 65519, -3.14159].map(toFloat16)).toEqual([
      1,
      1 + 2 ** -9,
      2 ** -23,
      0,
      0,
      0.0999755859375,
      65504,
      -3.140625,
    ]);
  });

  it('the union mask with holes filled equals create_nonzero_mask', () => {
    const box = { lo: [0, 0, 0] as Vec3, hi: DIMS.map((d) => d - 1) as Vec3 };
    const got = unionFilledMask(volumes, DIMS, box);
    const want = new Uint8Array(readFileSync(file('mask')));
    expect(got.reduce((a, b) => a + b, 0)).toBeGreaterThan(volumes[0].filter((v) => v !== 0).length); // the hole is filled
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
