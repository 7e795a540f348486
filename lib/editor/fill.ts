import { canWrite, type PaintSpec } from './brush';
import type { ChangeRecorder } from './history';
import { inBounds, type Axis, type Dims, type Vec3 } from './types';
import { IndexStack } from './index-stack';

export interface FillOptions {
  /** fill within the slice across this axis (2D, 4-connected), or 'volume' for 3D (6-connected) */
  scope: Axis | 'volume';
  /** safety cap: a 3D fill that leaks into the whole background would otherwise take the whole volume */
  maxVoxels?: number;
  /** 1 where the fill may go (the head: non-zero image); a seed outside it changes nothing */
  within?: Uint8Array | null;
}

/**
 * Flood fill from a seed: the connected region of voxels holding the seed's value (and, with an intensity range, lying
 * in it) becomes `spec.value`, subject to the overwrite rule. Returns the number of voxels changed, or -1 when the
 * region exceeded maxVoxels (then nothing is changed).
 */
export function floodFill(rec: ChangeRecorder, mask: Uint8Array, dims: Dims, seed: Vec3, spec: PaintSpec, opts: FillOptions): number {
  const [sx, sy, sz] = seed.map(Math.round);
  if (!inBounds(dims, sx, sy, sz)) return 0;
  const nx = dims[0],
    nxy = dims[0] * dims[1];
  const start = sx + sy * nx + sz * nxy;
  const target = mask[start];
  if (!canWrite(spec, target, start) || (opts.within && !opts.within[start])) return 0;
  const region = collectRegion(mask, dims, start, target, spec, opts);
  if (!region) return -1;
  let changed = 0;
  for (const idx of region) if (rec.set(idx, spec.value)) changed++;
  return changed;
}

function collectRegion(
  mask: Uint8Array,
  dims: Dims,
  start: number,
  target: number,
  spec: PaintSpec,
  opts: FillOptions,
): Uint32Array | null {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const max = opts.maxVoxels ?? Infinity;
  const within = opts.within;
  const visited = new Uint8Array(mask.length);
  const stack = new IndexStack();
  const out: number[] = [];
  const moves: [number, number, number][] = [
    [1, 0, 0],
    [-1, 0, 0],
    [0, 1, 0],
    [0, -1, 0],
    [0, 0, 1],
    [0, 0, -1],
  ];
  const allowed = opts.scope === 'volume' ? moves : moves.filter((m) => m[opts.scope as Axis] === 0);
  stack.push(start);
  visited[start] = 1;
  while (stack.size > 0) {
    const idx = stack.pop();
    out.push(idx);
    if (out.length > max) return null;
    const z = Math.floor(idx / nxy),
      y = Math.floor((idx - z * nxy) / nx),
      x = idx - z * nxy - y * nx;
    for (const [dx, dy, dz] of allowed) {
      const X = x + dx,
        Y = y + dy,
        Z = z + dz;
      if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz) continue;
      const n = X + Y * nx + Z * nxy;
      if (visited[n] || mask[n] !== target || (within && !within[n]) || !canWrite(spec, mask[n], n)) continue;
      visited[n] = 1;
      stack.push(n);
    }
  }
  return Uint32Array.from(out);
}
