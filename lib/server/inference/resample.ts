import 'server-only';
import type { Vec3 } from './geometry';

/**
 * torch.nn.functional.interpolate(mode='trilinear', align_corners=False, size=...) on C-ordered (C, X, Y, Z) float32
 * arrays, reproduced to the bit (up to the compiler's freedom to fuse multiply-adds in torch's build).
 *
 * torch's CPU kernel (UpSampleKernel.cpp, upsample_generic_Nd) evaluates each output voxel as nested linear blends,
 * innermost axis first, in float32: f = v0*w0 + v1*w1 along Z, then the same along Y over those results, then along
 * X. Doing the three passes separably in that order (Z, Y, X) computes the same intermediate values, each once, so
 * the cost is ~2 multiply-adds per output and pass instead of 8 per output. torch's build fuses multiply-adds: the
 * source coordinate is one rounding of scale * (i + 0.5) - 0.5, and the blend is fma(v0, w0, round(v1 * w1)).
 * In float64 those products are exact, so one Math.fround reproduces each fused operation (checked against torch
 * in tests/inference/torch-reference.test.ts).
 */

const f32 = Math.fround;

/** Source indices and float32 weights along one axis (torch compute_source_index_and_lambda). */
export interface AxisMap {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

export function linearAxisMap(nIn: number, nOut: number): AxisMap {
  const map: AxisMap = { i0: new Int32Array(nOut), i1: new Int32Array(nOut), w0: new Float32Array(nOut), w1: new Float32Array(nOut) };
  const scale = f32(nIn / nOut);
  for (let i = 0; i < nOut; i++) {
    if (nIn === nOut) {
      map.i0[i] = map.i1[i] = i;
      map.w0[i] = 1;
      continue;
    }
    let src = f32(scale * (i + 0.5) - 0.5); // fused: the float64 product is exact
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), nIn - 1);
    const w1 = Math.min(Math.max(f32(src - i0), 0), 1);
    map.i0[i] = i0;
    map.i1[i] = i0 < nIn - 1 ? i0 + 1 : i0;
    map.w1[i] = w1;
    map.w0[i] = f32(1 - w1);
  }
  return map;
}

/** The part of a map for outputs [from, to), its source indices shifted down by `offset` (for sub-volumes). */
export function sliceAxisMap(m: AxisMap, from: number, to: number, offset: number): AxisMap {
  const shift = (a: Int32Array) => a.slice(from, to).map((i) => i - offset);
  return { i0: shift(m.i0), i1: shift(m.i1), w0: m.w0.slice(from, to), w1: m.w1.slice(from, to) };
}

/**
 * One pass along the middle axis of an (outer, nIn, inner) array -> (outer, map length, inner), blended as torch
 * does: fma(v0, w0, round(v1 * w1)). An identity map (nIn == nOut) gives back the input values exactly.
 */
export function resampleAxisWith(src: Float32Array, outer: number, nIn: number, inner: number, map: AxisMap): Float32Array {
  const { i0, i1, w0, w1 } = map;
  const nOut = i0.length;
  const out = new Float32Array(outer * nOut * inner);
  if (inner === 1) {
    for (let o = 0, d = 0; o < outer; o++) {
      const s = o * nIn;
      for (let i = 0; i < nOut; i++, d++) out[d] = f32(src[s + i0[i]] * w0[i] + f32(src[s + i1[i]] * w1[i]));
    }
    return out;
  }
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < nOut; i++) {
      const r0 = (o * nIn + i0[i]) * inner;
      const r1 = (o * nIn + i1[i]) * inner;
      const d = (o * nOut + i) * inner;
      const a = w0[i];
      const b = w1[i];
      for (let t = 0; t < inner; t++) out[d + t] = f32(src[r0 + t] * a + f32(src[r1 + t] * b));
    }
  return out;
}

export function resampleAxis(src: Float32Array, outer: number, nIn: number, inner: number, nOut: number): Float32Array {
  return nIn === nOut ? src.slice() : resampleAxisWith(src, outer, nIn, inner, linearAxisMap(nIn, nOut));
}

/** Full trilinear resample of (C, X, Y, Z) to (C, ...outShape): Z, Y, X passes. A copy when the shapes are equal. */
export function resampleTrilinear(src: Float32Array, channels: number, inShape: Vec3, outShape: Vec3): Float32Array {
  const zPass = resampleAxis(src, channels * inShape[0] * inShape[1], inShape[2], 1, outShape[2]);
  const yPass = resampleAxis(zPass, channels * inShape[0], inShape[1], outShape[2], outShape[1]);
  return resampleAxis(yPass, channels, inShape[0], outShape[1] * outShape[2], outShape[0]);
}
