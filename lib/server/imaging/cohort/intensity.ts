import 'server-only';
import { blur121 } from './fields';
import type { Box } from './render';
import { gaussianTable } from './rng';
import { CLASS, CLASS_TO_LABEL as CLASS_TO_LABEL_EXPORT, type CaseSpec, type Modality } from './types';

// Module-level copies: the transpiled module exposes imports through getters, far too slow inside voxel loops.
const { BG, WM } = CLASS;
const CLASS_TO_LABEL = CLASS_TO_LABEL_EXPORT;

/** The output-resolution view of a box: thin sub-slices averaged into each thick slice. */
export interface CoarseBox {
  origin: [number, number, number];
  dims: [number, number, number];
  /** 1 where the (averaged) voxel is brain: the skull-stripped support; everything else stays exactly 0 */
  brain: Uint8Array;
}

export function coarsen(box: Box, cls: Uint8Array, f: number): { coarse: CoarseBox; seg: Uint8Array } {
  const [bx, by, bzFine] = box.dims;
  const bz = bzFine / f;
  const plane = bx * by;
  const brain = new Uint8Array(plane * bz);
  const seg = new Uint8Array(plane * bz);
  const mid = Math.floor(f / 2);
  if (f === 1) {
    for (let o = 0; o < cls.length; o++)
      if (cls[o] !== BG) {
        brain[o] = 1;
        seg[o] = CLASS_TO_LABEL[cls[o]];
      }
    return { coarse: { origin: [box.origin[0], box.origin[1], box.origin[2]], dims: [bx, by, bz], brain }, seg };
  }
  for (let k = 0; k < bz; k++)
    for (let p = 0; p < plane; p++) {
      let inside = 0;
      for (let s = 0; s < f; s++) if (cls[(k * f + s) * plane + p] !== BG) inside++;
      const o = k * plane + p;
      brain[o] = inside * 2 >= f ? 1 : 0;
      // The label of a thick slice is the tissue at its centre, as a rater would draw on that slice.
      if (brain[o]) seg[o] = CLASS_TO_LABEL[cls[(k * f + mid) * plane + p]];
    }
  return { coarse: { origin: [box.origin[0], box.origin[1], box.origin[2] / f], dims: [bx, by, bz], brain }, seg };
}

/**
 * One modality on the coarse box: class means with mild texture, partial-volume blur on the fine grid, slice
 * averaging, bias field, scanner contrast (scale, gamma), then Rician noise |signal + complex gaussian|.
 */
export function renderModality(
  spec: CaseSpec,
  m: Modality,
  box: Box,
  cls: Uint8Array,
  texture: Float32Array,
  coarse: CoarseBox,
  biasField: Float32Array,
  biasGain: number,
  noiseSeed: number,
): Float32Array {
  const means = spec.contrast[m];
  const fine = new Float32Array(cls.length);
  for (let p = 0; p < cls.length; p++) if (cls[p] !== BG) fine[p] = means[cls[p]] * (1 + 0.04 * texture[p]);
  blur121(fine, box.dims);
  const f = spec.zOversample;
  const [bx, by, bz] = coarse.dims;
  const plane = bx * by;
  const out = new Float32Array(plane * bz);
  const wm = means[WM];
  const scale = spec.scale[m],
    gamma = spec.gamma[m];
  const sigma = spec.noise * wm * scale;
  const table = gaussianTable();
  let state = noiseSeed >>> 0 || 0x9e3779b9;
  for (let k = 0; k < bz; k++)
    for (let p = 0; p < plane; p++) {
      const o = k * plane + p;
      if (!coarse.brain[o]) continue;
      let v = 0;
      if (f === 1) v = fine[o];
      else {
        for (let s = 0; s < f; s++) v += fine[(k * f + s) * plane + p];
        v /= f;
      }
      v *= Math.exp(spec.bias * biasGain * biasField[o]);
      if (gamma !== 1) v = wm * Math.pow(Math.max(v, 0) / wm, gamma);
      v *= scale;
      // xorshift32, inlined: two table lookups per voxel for the real and imaginary noise.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const re = v + sigma * table[state & 0xffff];
      const im = sigma * table[(state >>> 16) & 0xffff];
      out[o] = Math.sqrt(re * re + im * im);
    }
  return out;
}

/** Copies a coarse-box image into a zeroed full-grid int16 volume, rounded and clamped (values are >= 0: magnitudes). */
export function embedInt16(img: Float32Array, coarse: CoarseBox, dims: [number, number, number]): Int16Array {
  const out = new Int16Array(dims[0] * dims[1] * dims[2]);
  const [bx, by, bz] = coarse.dims;
  const [ox, oy, oz] = coarse.origin;
  for (let k = 0; k < bz; k++)
    for (let j = 0; j < by; j++) {
      let src = (k * by + j) * bx;
      let dst = ((k + oz) * dims[1] + (j + oy)) * dims[0] + ox;
      for (let i = 0; i < bx; i++, src++, dst++) {
        const v = img[src];
        out[dst] = v >= 32767 ? 32767 : (v + 0.5) | 0;
      }
    }
  return out;
}

export function embedUint8(img: Uint8Array, coarse: CoarseBox, dims: [number, number, number]): Uint8Array {
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  embedRows(img, out, coarse, dims);
  return out;
}

/** Row-wise block copy of the box into the full grid. */
function embedRows<T extends Uint8Array>(src: T, dst: T, coarse: CoarseBox, dims: [number, number, number]): void {
  const [bx, by, bz] = coarse.dims;
  const [ox, oy, oz] = coarse.origin;
  for (let k = 0; k < bz; k++)
    for (let j = 0; j < by; j++) {
      const from = (k * by + j) * bx;
      dst.set(src.subarray(from, from + bx), ((k + oz) * dims[1] + (j + oy)) * dims[0] + ox);
    }
}
