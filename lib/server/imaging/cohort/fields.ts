import 'server-only';
import type { Rng } from './rng';

/**
 * Smooth random field in about [-1, 1] on a grid: random values on a coarse lattice (one per `cellMm`), upsampled
 * separably with smoothstep weights. Separable upsampling costs one interpolation per output voxel per pass, far
 * cheaper than evaluating trigonometric noise per voxel.
 */
export function smoothField(dims: [number, number, number], spacing: [number, number, number], cellMm: number, rng: Rng): Float32Array {
  const axes = dims.map((n, a) => axisWeights(n, spacing[a] / cellMm));
  const [cx, cy, cz] = axes.map((ax) => ax.coarse);
  const lattice = new Float32Array(cx * cy * cz);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.next() * 2 - 1;
  const [nx, ny, nz] = dims;
  const a = new Float32Array(nx * cy * cz); // x upsampled
  for (let r = 0; r < cy * cz; r++)
    for (let x = 0; x < nx; x++) {
      const i0 = axes[0].i0[x],
        w = axes[0].w[x];
      a[r * nx + x] = lattice[r * cx + i0] * (1 - w) + lattice[r * cx + i0 + 1] * w;
    }
  const b = new Float32Array(nx * ny * cz); // x, y upsampled
  for (let z = 0; z < cz; z++)
    for (let y = 0; y < ny; y++) {
      const i0 = axes[1].i0[y],
        w = axes[1].w[y];
      const src0 = (z * cy + i0) * nx,
        src1 = src0 + nx,
        dst = (z * ny + y) * nx;
      for (let x = 0; x < nx; x++) b[dst + x] = a[src0 + x] * (1 - w) + a[src1 + x] * w;
    }
  const out = new Float32Array(nx * ny * nz);
  const plane = nx * ny;
  for (let z = 0; z < nz; z++) {
    const i0 = axes[2].i0[z],
      w = axes[2].w[z];
    const src0 = i0 * plane,
      src1 = src0 + plane,
      dst = z * plane;
    for (let p = 0; p < plane; p++) out[dst + p] = b[src0 + p] * (1 - w) + b[src1 + p] * w;
  }
  return out;
}

function axisWeights(n: number, cellsPerVoxel: number) {
  const coarse = Math.floor((n - 1) * cellsPerVoxel) + 2;
  const i0 = new Int32Array(n);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i * cellsPerVoxel;
    i0[i] = Math.min(Math.floor(t), coarse - 2);
    const f = t - i0[i];
    w[i] = f * f * (3 - 2 * f);
  }
  return { coarse, i0, w };
}

/** In-place separable [1 2 1]/4 blur along the axes whose flag is set: the partial-volume smear of a real acquisition. */
export function blur121(img: Float32Array, dims: [number, number, number], axes: [boolean, boolean, boolean] = [true, true, true]): void {
  const [nx, ny, nz] = dims;
  if (axes[0] && nx >= 2) blurLines(img, nx, ny * nz);
  if (axes[1] && ny >= 2) blurBlocks(img, ny, nx, nz);
  if (axes[2] && nz >= 2) blurBlocks(img, nz, nx * ny, 1);
}

/** Along contiguous lines of length n; edges replicate the border voxel. */
function blurLines(img: Float32Array, n: number, lines: number): void {
  for (let l = 0, base = 0; l < lines; l++, base += n) {
    let prev = img[base];
    for (let i = 0; i < n; i++) {
      const cur = img[base + i];
      const next = i < n - 1 ? img[base + i + 1] : cur;
      img[base + i] = 0.25 * prev + 0.5 * cur + 0.25 * next;
      prev = cur;
    }
  }
}

/**
 * Along an outer axis whose neighbours are whole contiguous blocks (rows or planes) apart: sweeping block by block
 * keeps memory access sequential, which is several times faster than gathering strided lines.
 */
function blurBlocks(img: Float32Array, n: number, block: number, outer: number): void {
  const prev = new Float32Array(block);
  for (let o = 0; o < outer; o++) {
    const start = o * n * block;
    prev.set(img.subarray(start, start + block));
    for (let t = 0; t < n; t++) {
      const b = start + t * block;
      const nb = t < n - 1 ? b + block : b;
      for (let q = 0; q < block; q++) {
        const cur = img[b + q];
        img[b + q] = 0.25 * prev[q] + 0.5 * cur + 0.25 * img[nb + q];
        prev[q] = cur;
      }
    }
  }
}
