import type { LabelMap, RegionName } from '@/lib/labels';
import { RunBuilder, type Runs } from './runs';
import { MetricsInputError, type Dims } from './types';

export const REGIONS: readonly RegionName[] = ['WT', 'TC', 'ET'];
const INVALID = 0x80;

/** Label -> bit set of the regions containing it (bit i = REGIONS[i]); INVALID for labels the map does not define. */
export function regionLut(map: LabelMap): Uint8Array {
  const lut = new Uint8Array(256).fill(INVALID);
  lut[0] = 0;
  for (const label of Object.keys(map.labels)) lut[Number(label)] = 0;
  REGIONS.forEach((region, bit) => {
    for (const label of map.regions[region]) lut[label] = (lut[label] & ~INVALID) | (1 << bit);
  });
  return lut;
}

/**
 * The one full-volume pass: the runs of every region of a label volume at once. Only voxels where the region set
 * changes do any work, so background costs a load and a compare. A label outside the map is an input error (a
 * BraTS-2020 file read with the 2023 map would otherwise lose its ET silently).
 */
export function scanRegionRuns(labels: Uint8Array, dims: Dims, lut: Uint8Array, what: string, mapName: string): Runs[] {
  const [nx, ny, nz] = dims;
  if (labels.length !== nx * ny * nz)
    throw new MetricsInputError(`${what} has ${labels.length} voxels but the grid ${dims.join('x')} needs ${nx * ny * nz}`);
  const builders = REGIONS.map(() => new RunBuilder(dims));
  const start = new Int32Array(REGIONS.length);
  // Background dominates: while outside every region, skip four zero labels per aligned 32-bit load.
  const first = (4 - (labels.byteOffset & 3)) & 3;
  const words = new Uint32Array(labels.buffer, labels.byteOffset + first, Math.max(0, (labels.length - first) >> 2));
  for (let row = 0, base = 0; row < ny * nz; row++, base += nx) {
    let prev = 0;
    for (let x = 0; x < nx; x++) {
      if (prev === 0 && ((base + x - first) & 3) === 0) {
        let w = (base + x - first) >> 2;
        while (x + 8 <= nx && (words[w] | words[w + 1]) === 0) {
          x += 8;
          w += 2;
        }
        while (x + 4 <= nx && words[w] === 0) {
          x += 4;
          w++;
        }
        if (x >= nx) break;
      }
      const bits = lut[labels[base + x]];
      if (bits === prev) continue;
      if (bits & INVALID)
        throw new MetricsInputError(`${what} contains label ${labels[base + x]}, which label map "${mapName}" does not define`);
      for (let r = 0; r < REGIONS.length; r++) {
        const m = 1 << r;
        if (bits & m && !(prev & m)) start[r] = x;
        else if (prev & m && !(bits & m)) builders[r].push(start[r], x - 1);
      }
      prev = bits;
    }
    for (let r = 0; r < REGIONS.length; r++) {
      if (prev & (1 << r)) builders[r].push(start[r], nx - 1);
      builders[r].endRow();
    }
  }
  return builders.map((b) => b.finish());
}
