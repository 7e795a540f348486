import { describe, expect, it } from 'vitest';
import { cropFileBox, orientationFromAffine, type Geometry, type Vec3 } from '@/lib/server/inference/geometry';
import { normalisedResample } from '@/lib/server/inference/crop-resample';
import { channelStats } from '@/lib/server/inference/normalise';
import { softmaxInPlace } from '@/lib/server/inference/postprocess';
import { linearAxisMap, resampleTrilinear } from '@/lib/server/inference/resample';

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

/** The card's rule written out directly: per axis c = max(0, (i + 0.5) * nIn / nOut - 0.5), 8 neighbours, float64. */
function directTrilinear(src: Float32Array, C: number, inS: Vec3, outS: Vec3): Float64Array {
  const coord = (i: number, nIn: number, nOut: number) => {
    const c = Math.max(0, ((i + 0.5) * nIn) / nOut - 0.5);
    const i0 = Math.min(Math.floor(c), nIn - 1);
    return { i0, i1: Math.min(i0 + 1, nIn - 1), w: Math.min(c - i0, 1) };
  };
  const out = new Float64Array(C * outS[0] * outS[1] * outS[2]);
  let d = 0;
  for (let ch = 0; ch < C; ch++)
    for (let a = 0; a < outS[0]; a++)
      for (let b = 0; b < outS[1]; b++)
        for (let c = 0; c < outS[2]; c++, d++) {
          const [x, y, z] = [coord(a, inS[0], outS[0]), coord(b, inS[1], outS[1]), coord(c, inS[2], outS[2])];
          let v = 0;
          for (const [xi, wx] of [
            [x.i0, 1 - x.w],
            [x.i1, x.w],
          ])
            for (const [yi, wy] of [
              [y.i0, 1 - y.w],
              [y.i1, y.w],
            ])
              for (const [zi, wz] of [
                [z.i0, 1 - z.w],
                [z.i1, z.w],
              ])
                v += wx * wy * wz * src[((ch * inS[0] + xi) * inS[1] + yi) * inS[2] + zi];
          out[d] = v;
        }
  return out;
}

describe('channelStats and the fused crop + z-score + resampling', () => {
  it('mean and population std over the non-zero voxels inside the box; epsilon for a constant channel', () => {
    const dims: Vec3 = [3, 2, 1];
    const a = new Int16Array([0, 1, 2, 3, 0, 10]);
    const flat = new Float32Array([0, 4, 4, 4, 0, 0]);
    const empty = new Float32Array(6);
    const [sa, sf, se] = channelStats([a, flat, empty], dims, { lo: [0, 0, 0], hi: [2, 1, 0] }, 1e-8);
    const vals = [1, 2, 3, 10];
    const mean = vals.reduce((x, y) => x + y) / 4;
    expect(sa).toEqual({ mean, std: Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / 4), nonzero: 4 });
    expect(sf).toEqual({ mean: 4, std: 1e-8, nonzero: 3 });
    expect(se.nonzero).toBe(0);
    // a box that leaves out the voxel holding 10
    expect(channelStats([a], dims, { lo: [0, 0, 0], hi: [2, 0, 0] }, 1e-8)[0]).toMatchObject({ mean: 1.5, nonzero: 2 });
  });

  // [name, voxel type, affine, RAS crop lo, hi, resampled shape]: 16-bit volumes go through the z-score table (fused
  // with the first pass unless RAS z is the file's x), float volumes through the division
  it.each([
    ['LPS', 'int16', [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1.5, 0, 0, 0, 0, 1], [1, 0, 2], [5, 4, 9], [3, 4, 4]],
    ['RAS', 'int16', [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [0, 1, 0], [6, 5, 9], [9, 3, 13]],
    ['ASL', 'int16', [0, 0, -2, 0, 1, 0, 0, 0, 0, 1.2, 0, 0, 0, 0, 0, 1], [1, 1, 0], [9, 5, 5], [4, 7, 3]],
    ['ASL', 'float32', [0, 0, -2, 0, 1, 0, 0, 0, 0, 1.2, 0, 0, 0, 0, 0, 1], [1, 1, 0], [9, 5, 5], [4, 7, 3]],
    ['SRA', 'int16', [0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1], [0, 1, 1], [5, 8, 6], [3, 5, 4]],
  ] as [string, string, number[], Vec3, Vec3, Vec3][])(
    'on %s (%s): bit for bit crop, then (x - mean) / std on non-zero voxels, then resampleTrilinear',
    (_, type, affine, lo, hi, target) => {
      const dims: Vec3 = [6, 5, 9];
      const r = random(7);
      const ints = new Int16Array(6 * 5 * 9).map(() => (r() > -0.3 ? Math.round(r() * 500 + 600) : 0));
      const vol = type === 'float32' ? Float32Array.from(ints, (v) => v * 0.37) : ints;
      const orientation = orientationFromAffine(affine);
      const rasShape = orientation.perm.map((j) => dims[j]) as Vec3;
      const g: Geometry = { orientation, fileDims: dims, rasShape, cropLo: lo, cropHi: hi, resampledShape: target };
      const stats = channelStats([vol, new Int16Array(vol.length)], dims, cropFileBox(g), 1e-8);
      const got = normalisedResample([vol, new Int16Array(vol.length)], g, stats);
      // the steps written out on the RAS grid: RAS voxel v is file voxel f with f[perm[k]] = flip[k] ? n - 1 - v[k] : v[k]
      const [cx, cy, cz] = [0, 1, 2].map((k) => hi[k] - lo[k]);
      const crop = new Float32Array(cx * cy * cz);
      for (let a = 0; a < cx; a++)
        for (let b = 0; b < cy; b++)
          for (let c = 0; c < cz; c++) {
            const f = [0, 0, 0];
            [a + lo[0], b + lo[1], c + lo[2]].forEach((v, k) => (f[orientation.perm[k]] = orientation.flip[k] ? rasShape[k] - 1 - v : v));
            const v = vol[f[0] + 6 * (f[1] + 5 * f[2])];
            crop[(a * cy + b) * cz + c] = v !== 0 ? (Math.fround(v) - stats[0].mean) / stats[0].std : 0;
          }
      const want = resampleTrilinear(crop, 1, [cx, cy, cz], target);
      const n = target[0] * target[1] * target[2];
      expect(Array.from(got.subarray(0, n))).toEqual(Array.from(want));
      expect(got.subarray(n).every((v) => v === 0)).toBe(true); // the all-zero channel
    },
  );
});

describe('resampleTrilinear (align_corners=False)', () => {
  it.each([
    [
      [9, 7, 5],
      [4, 3, 2],
    ],
    [
      [4, 3, 2],
      [9, 7, 5],
    ],
    [
      [13, 8, 6],
      [13, 5, 11],
    ],
    [
      [1, 5, 3],
      [2, 5, 1],
    ],
  ] as [Vec3, Vec3][])('%j -> %j matches the direct 8-neighbour formula', (inS, outS) => {
    const r = random(inS[0] * 31 + outS[2]);
    const src = new Float32Array(2 * inS[0] * inS[1] * inS[2]).map(r);
    const got = resampleTrilinear(src, 2, inS, outS);
    const want = directTrilinear(src, 2, inS, outS);
    expect(got.length).toBe(want.length);
    const worst = Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])));
    expect(worst).toBeLessThan(1e-6);
  });

  it('is the identity when shapes agree and reproduces a ramp away from the borders', () => {
    const src = new Float32Array(4 * 5 * 6).map((_, i) => i);
    expect(Array.from(resampleTrilinear(src, 1, [4, 5, 6], [4, 5, 6]))).toEqual(Array.from(src));
    const ramp = new Float32Array(8).map((_, i) => i);
    const up = resampleTrilinear(ramp, 1, [1, 1, 8], [1, 1, 16]);
    // output i samples (i + 0.5) / 2 - 0.5, clamped to [0, 7] at both ends
    expect(Array.from(up)).toEqual(Array.from({ length: 16 }, (_, i) => Math.min(7, Math.max(0, (i + 0.5) / 2 - 0.5))));
  });

  it('axis map: indices clamp at the last voxel and the weights sum to 1', () => {
    const m = linearAxisMap(7, 13);
    expect(m.i1[12]).toBe(6);
    expect(m.i0[0]).toBe(0);
    for (let i = 0; i < 13; i++) expect(m.w0[i] + m.w1[i]).toBeCloseTo(1, 6);
  });
});

describe('softmaxInPlace', () => {
  it('over the class axis of (K, n), stable for large logits', () => {
    const x = new Float32Array([1, 1000, 0, /* k=1 */ 2, 1000, 0, /* k=2 */ 3, -1000, 0]);
    softmaxInPlace(x, 3);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    expect(x[0]).toBeCloseTo(e[0] / s, 6);
    expect(x[6]).toBeCloseTo(e[2] / s, 6);
    expect([x[1], x[4], x[7]]).toEqual([0.5, 0.5, 0]);
    expect(x[2] + x[5] + x[8]).toBeCloseTo(1, 6);
  });
});
