import type { ChangeRecorder } from './history';
import { voxelVolumeMl, type MaskGrid } from './types';
import { IndexStack } from './index-stack';

export interface IslandOptions {
  /** components smaller than this volume are removed */
  minMl: number;
  /** 'all': components of the whole tumour (any label); a label: components of that label only */
  scope: 'all' | number;
}

export interface IslandResult {
  removedComponents: number;
  keptComponents: number;
  removedVoxels: number;
}

/**
 * Removes islands: 26-connected components (BraTS's connectivity) under `minMl`, set to background. Components of the
 * whole tumour are the default because a small NCR patch inside edema is not an island of the lesion.
 */
export function removeIslands(rec: ChangeRecorder, mask: Uint8Array, grid: MaskGrid, opts: IslandOptions): IslandResult {
  const [nx, ny, nz] = grid.dims;
  const nxy = nx * ny;
  const minVoxels = opts.minMl / voxelVolumeMl(grid.spacing);
  const member = (v: number) => (opts.scope === 'all' ? v !== 0 : v === opts.scope);
  const visited = new Uint8Array(mask.length);
  const stack = new IndexStack();
  const component: number[] = [];
  const result: IslandResult = { removedComponents: 0, keptComponents: 0, removedVoxels: 0 };
  for (let seed = 0; seed < mask.length; seed++) {
    if (visited[seed] || !member(mask[seed])) continue;
    component.length = 0;
    stack.push(seed);
    visited[seed] = 1;
    while (stack.size > 0) {
      const idx = stack.pop();
      component.push(idx);
      const z = Math.floor(idx / nxy),
        y = Math.floor((idx - z * nxy) / nx),
        x = idx - z * nxy - y * nx;
      for (let dz = -1; dz <= 1; dz++) {
        const Z = z + dz;
        if (Z < 0 || Z >= nz) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const Y = y + dy;
          if (Y < 0 || Y >= ny) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const X = x + dx;
            if (X < 0 || X >= nx) continue;
            const n = X + Y * nx + Z * nxy;
            if (visited[n] || !member(mask[n])) continue;
            visited[n] = 1;
            stack.push(n);
          }
        }
      }
    }
    if (component.length < minVoxels) {
      for (const idx of component) rec.set(idx, 0);
      result.removedComponents++;
      result.removedVoxels += component.length;
    } else result.keptComponents++;
  }
  return result;
}
