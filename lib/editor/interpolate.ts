import type { ChangeRecorder } from './history';
import { ruleAllows, type Axis, type MaskGrid, type OverwriteRule } from './types';

/**
 * Fill between slices: shape-based interpolation (Raya & Udupa) of one label across slices that have none of it,
 * between two slices that do. Each drawn slice becomes a signed distance map; the maps are blended linearly and the
 * zero level set is the interpolated outline. Slices that already hold the label are never touched.
 */
export interface InterpolateOptions {
  axis: Axis;
  label: number;
  rule: OverwriteRule;
}

export interface InterpolateResult {
  filledSlices: number;
  changedVoxels: number;
}

export function interpolateSlices(rec: ChangeRecorder, mask: Uint8Array, grid: MaskGrid, opts: InterpolateOptions): InterpolateResult {
  const plane = slicePlane(grid, opts.axis);
  const present: number[] = [];
  for (let s = 0; s < plane.count; s++) if (sliceHas(mask, plane, s, opts.label)) present.push(s);
  const result: InterpolateResult = { filledSlices: 0, changedVoxels: 0 };
  for (let k = 0; k + 1 < present.length; k++) {
    const s0 = present[k],
      s1 = present[k + 1];
    if (s1 - s0 < 2) continue;
    const d0 = signedDistance(sliceMask(mask, plane, s0, opts.label), plane);
    const d1 = signedDistance(sliceMask(mask, plane, s1, opts.label), plane);
    for (let s = s0 + 1; s < s1; s++) {
      const t = (s - s0) / (s1 - s0);
      let changedHere = 0;
      for (let p = 0; p < plane.w * plane.h; p++) {
        if ((1 - t) * d0[p] + t * d1[p] > 0) continue;
        const idx = plane.index(s, p);
        if (ruleAllows(opts.rule, mask[idx], opts.label) && rec.set(idx, opts.label)) changedHere++;
      }
      if (changedHere > 0) result.filledSlices++;
      result.changedVoxels += changedHere;
    }
  }
  return result;
}

interface Plane {
  count: number;
  w: number;
  h: number;
  /** pixel size along the plane's two axes */
  sw: number;
  sh: number;
  index(slice: number, pixel: number): number;
}

/** The 2D layout of slices across `axis`: pixel p = u + v*w, with (u, v) the two remaining axes in order. */
function slicePlane(grid: MaskGrid, axis: Axis): Plane {
  const [nx, ny, nz] = grid.dims;
  const [ax, ay] = ([0, 1, 2] as Axis[]).filter((a) => a !== axis);
  const strides = [1, nx, nx * ny];
  const w = grid.dims[ax],
    h = grid.dims[ay];
  return {
    count: [nx, ny, nz][axis],
    w,
    h,
    sw: grid.spacing[ax],
    sh: grid.spacing[ay],
    index: (slice, p) => slice * strides[axis] + (p % w) * strides[ax] + Math.floor(p / w) * strides[ay],
  };
}

function sliceHas(mask: Uint8Array, plane: Plane, s: number, label: number): boolean {
  for (let p = 0; p < plane.w * plane.h; p++) if (mask[plane.index(s, p)] === label) return true;
  return false;
}

function sliceMask(mask: Uint8Array, plane: Plane, s: number, label: number): Uint8Array {
  const out = new Uint8Array(plane.w * plane.h);
  for (let p = 0; p < out.length; p++) out[p] = mask[plane.index(s, p)] === label ? 1 : 0;
  return out;
}

/** Negative inside, positive outside, in mm; pixel centres on the boundary sit at +-half a pixel. */
export function signedDistance(inside: Uint8Array, plane: Pick<Plane, 'w' | 'h' | 'sw' | 'sh'>): Float32Array {
  const toInside = edt2d(inside, plane, 1);
  const toOutside = edt2d(inside, plane, 0);
  const out = new Float32Array(inside.length);
  for (let p = 0; p < out.length; p++) out[p] = inside[p] ? -Math.sqrt(toOutside[p]) : Math.sqrt(toInside[p]);
  return out;
}

/** Squared Euclidean distance (mm^2) from each pixel to the nearest pixel whose value is `target`. */
export function edt2d(img: Uint8Array, plane: Pick<Plane, 'w' | 'h' | 'sw' | 'sh'>, target: 0 | 1): Float64Array {
  const { w, h, sw, sh } = plane;
  const INF = 1e20;
  const d = new Float64Array(w * h);
  for (let p = 0; p < d.length; p++) d[p] = img[p] === target ? 0 : INF;
  const rowIn = new Float64Array(Math.max(w, h));
  const rowOut = new Float64Array(Math.max(w, h));
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) rowIn[u] = d[u + v * w];
    edt1d(rowIn, rowOut, w, sw);
    for (let u = 0; u < w; u++) d[u + v * w] = rowOut[u];
  }
  for (let u = 0; u < w; u++) {
    for (let v = 0; v < h; v++) rowIn[v] = d[u + v * w];
    edt1d(rowIn, rowOut, h, sh);
    for (let v = 0; v < h; v++) d[u + v * w] = rowOut[v];
  }
  return d;
}

/** Felzenszwalb & Huttenlocher's lower envelope of parabolas, with sample spacing `s`. */
function edt1d(f: Float64Array, out: Float64Array, n: number, s: number) {
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  const s2 = s * s;
  for (let q = 1; q < n; q++) {
    let sv: number;
    do {
      const p = v[k];
      sv = (f[q] + s2 * q * q - (f[p] + s2 * p * p)) / (2 * s2 * (q - p));
      if (sv <= z[k]) k--;
      else break;
    } while (k >= 0);
    k++;
    v[k] = q;
    z[k] = sv;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    out[q] = s2 * (q - v[k]) ** 2 + f[v[k]];
  }
}
