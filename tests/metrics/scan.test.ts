import { describe, expect, it } from 'vitest';
import { LABEL_MAPS } from '@/lib/labels';
import { seededRng } from '@/lib/metrics/bootstrap';
import { runsFromMask } from '@/lib/metrics/runs';
import { REGIONS, regionLut, scanRegionRuns } from '@/lib/metrics/scan';
import type { Dims } from '@/lib/metrics/types';

/** Sparse random labels with runs of every length, so that the four- and eight-byte skips meet every alignment. */
function labels(dims: Dims, seed: number, values: number[]): Uint8Array {
  const rng = seededRng(seed);
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < out.length;) {
    const gap = Math.floor(rng() ** 3 * 40);
    const len = 1 + Math.floor(rng() * 9);
    const v = values[Math.floor(rng() * values.length)];
    for (let j = i + gap; j < Math.min(out.length, i + gap + len); j++) out[j] = v;
    i += gap + len;
  }
  return out;
}

describe('scanRegionRuns', () => {
  it('finds the same runs as a plain scan of each region mask, at every byte alignment and row length', () => {
    const map = LABEL_MAPS.brats2024;
    const lut = regionLut(map);
    for (const dims of [
      [37, 5, 4],
      [1, 9, 9],
      [8, 3, 3],
      [241, 2, 2],
      [13, 7, 3],
    ] as Dims[]) {
      const n = dims[0] * dims[1] * dims[2];
      const data = labels(dims, n, [1, 2, 3, 4]);
      const backing = new Uint8Array(n + 8);
      for (let offset = 0; offset < 8; offset++) {
        const view = backing.subarray(offset, offset + n);
        view.set(data);
        const runs = scanRegionRuns(view, dims, lut, 'test', map.name);
        REGIONS.forEach((region, r) => {
          const mask = data.map((v) => (map.regions[region].includes(v) ? 1 : 0));
          const plain = runsFromMask(mask, dims);
          expect(Array.from(runs[r].x0), `${dims} +${offset} ${region}`).toEqual(Array.from(plain.x0));
          expect(Array.from(runs[r].x1)).toEqual(Array.from(plain.x1));
          expect(Array.from(runs[r].rowStart)).toEqual(Array.from(plain.rowStart));
        });
      }
    }
  });

  it('rejects a label the map does not define, wherever it is', () => {
    const dims: Dims = [40, 4, 4];
    const lut = regionLut(LABEL_MAPS.brats2023);
    for (const at of [0, 7, 39, 40 * 4 * 4 - 1]) {
      const data = new Uint8Array(640);
      data[at] = 5;
      expect(() => scanRegionRuns(data, dims, lut, 'mask', 'brats2023')).toThrow(/label 5/);
    }
  });
});
