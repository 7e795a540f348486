import { describe, expect, it } from 'vitest';
import { brushOffsets, paintSegment, stamp, strokePoints } from '@/lib/editor/brush';
import { ChangeRecorder } from '@/lib/editor/history';
import type { Dims } from '@/lib/editor/types';

const dims: Dims = [20, 20, 20];
const at = (x: number, y: number, z: number) => x + y * dims[0] + z * dims[0] * dims[1];

describe('brushOffsets', () => {
  it('paints a single voxel at 1 mm on a 1 mm grid and a 3x3 cross-free square at 3 mm', () => {
    expect(brushOffsets({ diameterMm: 1, mode: 2 }, [1, 1, 1]).length / 3).toBe(1);
    expect(brushOffsets({ diameterMm: 3, mode: 2 }, [1, 1, 1]).length / 3).toBe(9);
  });

  it('keeps a 2D disc in the plane across its axis', () => {
    const off = brushOffsets({ diameterMm: 7, mode: 1 }, [1, 1, 1]);
    for (let i = 0; i < off.length; i += 3) expect(off[i + 1]).toBe(0);
  });

  it('makes a sphere whose volume approaches 4/3 pi r^3 and is round in mm on anisotropic voxels', () => {
    const off = brushOffsets({ diameterMm: 21, mode: 'sphere' }, [1, 1, 1]);
    const n = off.length / 3;
    expect(n / ((4 / 3) * Math.PI * 10.5 ** 3)).toBeGreaterThan(0.95);
    expect(n / ((4 / 3) * Math.PI * 10.5 ** 3)).toBeLessThan(1.05);
    const aniso = brushOffsets({ diameterMm: 10, mode: 'sphere' }, [1, 1, 2.5]);
    let maxZ = 0,
      maxX = 0;
    for (let i = 0; i < aniso.length; i += 3) {
      maxX = Math.max(maxX, Math.abs(aniso[i]));
      maxZ = Math.max(maxZ, Math.abs(aniso[i + 2]));
    }
    expect(maxX).toBe(5);
    expect(maxZ).toBe(2); // 2 slices of 2.5 mm = 5 mm
  });
});

describe('painting', () => {
  it('stamps only inside the volume (clipped at the border)', () => {
    const mask = new Uint8Array(20 * 20 * 20);
    const rec = new ChangeRecorder(mask);
    const n = stamp(rec, mask, dims, [0, 0, 0], brushOffsets({ diameterMm: 3, mode: 2 }, [1, 1, 1]), { value: 2, rule: { mode: 'any' } });
    expect(n).toBe(4);
    expect(mask[at(1, 1, 0)]).toBe(2);
  });

  it('respects overwrite protection: background only, or only over a chosen label', () => {
    const mask = new Uint8Array(20 * 20 * 20);
    mask[at(5, 5, 5)] = 1;
    mask[at(6, 5, 5)] = 2;
    const off = brushOffsets({ diameterMm: 3, mode: 2 }, [1, 1, 1]);
    const rec = new ChangeRecorder(mask);
    stamp(rec, mask, dims, [5, 5, 5], off, { value: 3, rule: { mode: 'background' } });
    expect(mask[at(5, 5, 5)]).toBe(1);
    expect(mask[at(6, 5, 5)]).toBe(2);
    expect(mask[at(4, 4, 5)]).toBe(3);
    const only = new ChangeRecorder(mask);
    stamp(only, mask, dims, [5, 5, 5], off, { value: 1, rule: { mode: 'label', label: 2 } });
    expect(mask[at(6, 5, 5)]).toBe(1);
    expect(mask[at(4, 4, 5)]).toBe(3);
  });

  it('erases only the active label unless told to erase any', () => {
    const mask = new Uint8Array(20 * 20 * 20);
    mask[at(5, 5, 5)] = 1;
    mask[at(6, 5, 5)] = 2;
    const off = brushOffsets({ diameterMm: 3, mode: 2 }, [1, 1, 1]);
    stamp(new ChangeRecorder(mask), mask, dims, [5, 5, 5], off, { value: 0, rule: { mode: 'any' }, eraseOnly: 2 });
    expect([mask[at(5, 5, 5)], mask[at(6, 5, 5)]]).toEqual([1, 0]);
    stamp(new ChangeRecorder(mask), mask, dims, [5, 5, 5], off, { value: 0, rule: { mode: 'any' }, eraseOnly: null });
    expect(mask[at(5, 5, 5)]).toBe(0);
  });

  it('threshold painting writes only voxels whose intensity is in range', () => {
    const mask = new Uint8Array(20 * 20 * 20);
    const values = new Float32Array(mask.length);
    values[at(5, 5, 5)] = 100;
    values[at(6, 5, 5)] = 300;
    const off = brushOffsets({ diameterMm: 5, mode: 2 }, [1, 1, 1]);
    stamp(new ChangeRecorder(mask), mask, dims, [5, 5, 5], off, { value: 3, rule: { mode: 'any' }, range: { values, lo: 200, hi: 400 } });
    expect(mask.reduce((a, v) => a + (v ? 1 : 0), 0)).toBe(1);
    expect(mask[at(6, 5, 5)]).toBe(3);
  });

  it('joins fast drags without gaps and records a stroke as one step', () => {
    expect(strokePoints([0, 0, 0], [10, 0, 0]).map((p) => p[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const mask = new Uint8Array(20 * 20 * 20);
    const rec = new ChangeRecorder(mask);
    paintSegment(rec, mask, dims, [2, 3, 4], [15, 3, 4], brushOffsets({ diameterMm: 1, mode: 2 }, [1, 1, 1]), {
      value: 1,
      rule: { mode: 'any' },
    });
    const entry = rec.finish('brush')!;
    expect(entry.indices.length).toBe(14);
    expect([...entry.before].every((v) => v === 0) && [...entry.after].every((v) => v === 1)).toBe(true);
  });
});
