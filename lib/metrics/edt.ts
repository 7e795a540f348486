import type { Dims, Spacing } from './types';

/**
 * Exact Euclidean distance transform, linear time (Felzenszwalb & Huttenlocher 2012), anisotropic.
 *
 * Returns, for every voxel, the squared distance in mm^2 to the nearest voxel where `features` is nonzero
 * (Infinity when there is none). The squared distance is accumulated as (dx*sx)^2, then + (dy*sy)^2, then
 * + (dz*sz)^2, the same operations in the same order as scipy's distance_transform_edt with `sampling`, so both agree
 * to the last bit whenever they pick the same nearest feature.
 */
export function squaredEdt(features: Uint8Array, dims: Dims, spacing: Spacing): Float64Array {
  const [nx, ny, nz] = dims;
  if (features.length !== nx * ny * nz) throw new Error(`features has ${features.length} voxels, dims need ${nx * ny * nz}`);
  const d = new Float64Array(features.length);
  passX(features, d, nx, ny * nz, spacing[0]);
  const longest = Math.max(ny, nz);
  const v = new Int32Array(longest);
  const fv = new Float64Array(longest);
  const z = new Float64Array(longest + 1);
  const g = new Float64Array(longest);
  if (ny > 1) for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) envelope(d, i + k * nx * ny, nx, ny, spacing[1], v, fv, z, g);
  if (nz > 1) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) envelope(d, i + j * nx, nx * ny, nz, spacing[2], v, fv, z, g);
  return d;
}

/** Euclidean distance (mm) to the nearest nonzero voxel of `features`; Infinity where there is none. */
export function edt(features: Uint8Array, dims: Dims, spacing: Spacing): Float64Array {
  const d = squaredEdt(features, dims, spacing);
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(d[i]);
  return d;
}

/** First pass on the binary input: 1-D distance to the nearest feature along x, by two sweeps. */
function passX(f: Uint8Array, d: Float64Array, nx: number, rows: number, sx: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += nx) {
    let last = -1;
    for (let x = 0; x < nx; x++) {
      if (f[base + x] !== 0) last = x;
      d[base + x] = last < 0 ? Infinity : x - last;
    }
    if (last < 0) continue; // no feature in this row: all Infinity
    let next = -1;
    for (let x = nx - 1; x >= 0; x--) {
      if (f[base + x] !== 0) next = x;
      let k = d[base + x];
      if (next >= 0 && next - x < k) k = next - x;
      const t = k * sx;
      d[base + x] = t * t;
    }
  }
}

/**
 * In-place 1-D squared distance transform of the strided line f[base + q*stride], q < n, with sample spacing s:
 * f'[q] = min_p ((q-p)*s)^2 + f[p]. Lower envelope of parabolas (infinite samples are not sites); each site's value
 * is kept in fv so the line can be overwritten in place. Breakpoints are in index units, from g[p] = f[p]/s^2 + p^2,
 * so that each intersection costs one subtraction and one division.
 */
function envelope(
  f: Float64Array,
  base: number,
  stride: number,
  n: number,
  s: number,
  v: Int32Array,
  fv: Float64Array,
  z: Float64Array,
  g: Float64Array,
): void {
  const s2 = s * s;
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[base + q * stride];
    if (fq === Infinity) continue;
    const gq = fq / s2 + q * q;
    if (k >= 0) {
      let x = (gq - g[k]) / (2 * (q - v[k]));
      while (x <= z[k]) {
        k--;
        x = (gq - g[k]) / (2 * (q - v[k]));
      }
      k++;
      z[k] = x;
    } else {
      k = 0;
      z[0] = -Infinity;
    }
    v[k] = q;
    fv[k] = fq;
    g[k] = gq;
  }
  if (k < 0) return; // no finite sample: the line stays Infinity
  z[k + 1] = Infinity;
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    const t = (q - v[k]) * s;
    f[base + q * stride] = t * t + fv[k];
  }
}
