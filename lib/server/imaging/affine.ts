import 'server-only';

/** A 4x4 matrix as 16 numbers, row-major: m[r * 4 + c]. */
export type Mat4 = number[];

export const identity4 = (): Mat4 => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export function matmul4(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  return out;
}

/** Euclidean norm of each of the first three columns: the voxel size along each array axis. */
export function columnNorms(m: Mat4): [number, number, number] {
  const n = (c: number) => Math.hypot(m[c], m[4 + c], m[8 + c]);
  return [n(0), n(1), n(2)];
}

export function det3(m: Mat4): number {
  return m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
}

/** Largest absolute element-wise difference: the tolerance measure for "same grid" checks. */
export function maxAbsDiff(a: Mat4, b: Mat4): number {
  let d = 0;
  for (let i = 0; i < 16; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** NIfTI method 2 (nifti1_io.c nifti_quatern_to_mat44): quaternion + pixdim + qfac -> affine. */
export function quaternToAffine(
  q: { b: number; c: number; d: number; x: number; y: number; z: number },
  pixdim: [number, number, number],
  qfac: number,
): Mat4 {
  let { b, c, d } = q;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // The quaternion is not unit length: renormalise (b,c,d) and treat it as a 180-degree rotation, as nifti1_io does.
    a = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else a = Math.sqrt(a);
  const [xd, yd] = pixdim.map((v) => (v > 0 ? v : 1));
  let zd = pixdim[2] > 0 ? pixdim[2] : 1;
  if (qfac < 0) zd = -zd;
  return [
    (a * a + b * b - c * c - d * d) * xd,
    2 * (b * c - a * d) * yd,
    2 * (b * d + a * c) * zd,
    q.x,
    2 * (b * c + a * d) * xd,
    (a * a + c * c - b * b - d * d) * yd,
    2 * (c * d - a * b) * zd,
    q.y,
    2 * (b * d - a * c) * xd,
    2 * (c * d + a * b) * yd,
    (a * a + d * d - c * c - b * b) * zd,
    q.z,
    0,
    0,
    0,
    1,
  ];
}

/** Polar decomposition of a 3x3 (row-major) into its nearest orthogonal matrix, so sheared sforms still yield a qform. */
export function nearestOrthogonal(m: number[]): number[] {
  let x = m.slice();
  for (let iter = 0; iter < 50; iter++) {
    const inv = invert3(x);
    // X <- (X + inv(X)^T) / 2 converges quadratically to the orthogonal polar factor.
    const next = x.map((v, i) => 0.5 * (v + inv[(i % 3) * 3 + Math.floor(i / 3)]));
    const delta = next.reduce((s, v, i) => s + Math.abs(v - x[i]), 0);
    x = next;
    if (delta < 1e-12) break;
  }
  return x;
}

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** Inverse of quaternToAffine (nifti1_io.c nifti_mat44_to_quatern), used to write a qform consistent with the sform. */
export function affineToQuatern(m: Mat4) {
  const pix = columnNorms(m).map((v) => (v > 0 ? v : 1)) as [number, number, number];
  const r = [0, 1, 2].flatMap((row) => [0, 1, 2].map((col) => m[row * 4 + col] / pix[col]));
  const o = nearestOrthogonal(r);
  let qfac = 1;
  if (det3([o[0], o[1], o[2], 0, o[3], o[4], o[5], 0, o[6], o[7], o[8], 0, 0, 0, 0, 1]) < 0) {
    qfac = -1;
    o[2] = -o[2];
    o[5] = -o[5];
    o[8] = -o[8];
  }
  const [r11, r12, r13, r21, r22, r23, r31, r32, r33] = o;
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33),
      yd = 1 + r22 - (r11 + r33),
      zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, x: m[3], y: m[7], z: m[11], pixdim: pix, qfac };
}
