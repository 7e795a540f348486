import { describe, expect, it } from 'vitest';
import { EditSession, FILL_DECLINED, type ToolSpec } from '@/lib/editor/session';
import { changedMl, confirmText, headMask, needsConfirmation } from '@/lib/editor/region-guard';
import { countLabels } from '@/lib/editor/stats';
import type { MaskGrid } from '@/lib/editor/types';

const grid: MaskGrid = { dims: [20, 20, 3], spacing: [1, 1, 1] };
const N = 20 * 20 * 3;
const brush: ToolSpec = {
  kind: 'brush',
  label: 3,
  sizeMm: 1,
  sphere: false,
  protection: { mode: 'any' },
  eraseAnyLabel: false,
  range: null,
};
const idx = (x: number, y: number, z: number) => x + y * 20 + z * 400;

/** A "head": a 10x10 square of signal in the middle of every slice, air (0) around it. */
function image(): Float32Array {
  const v = new Float32Array(N);
  for (let z = 0; z < 3; z++) for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) v[idx(x, y, z)] = 100 + x;
  return v;
}

describe('dirty state compares voxels with the saved mask', () => {
  it('is clean after undoing back to the saved mask, and dirty again on redo', () => {
    const s = new EditSession(new Uint8Array(N), grid);
    s.beginStroke([3, 3, 1], 2, brush);
    s.endStroke();
    expect(s.getSnapshot().dirty).toBe(true);
    s.undo();
    expect(s.getSnapshot().dirty).toBe(false);
    s.redo();
    expect(s.getSnapshot().dirty).toBe(true);
  });

  it('paint then erase the same voxel is clean; after a save, undo past it is dirty', () => {
    const s = new EditSession(new Uint8Array(N), grid);
    s.beginStroke([3, 3, 1], 2, brush);
    s.endStroke();
    s.beginStroke([3, 3, 1], 2, { ...brush, kind: 'eraser', eraseAnyLabel: true });
    s.endStroke();
    expect(s.getSnapshot().dirty).toBe(false);
    s.undo(); // back to "painted"
    s.markSaved(s.mask.slice());
    expect(s.getSnapshot().dirty).toBe(false);
    s.undo(); // before the saved state: differs from what is stored
    expect(s.getSnapshot().dirty).toBe(true);
  });

  it('a save of an earlier copy leaves strokes made during the upload unsaved', () => {
    const s = new EditSession(new Uint8Array(N), grid);
    s.beginStroke([3, 3, 1], 2, brush);
    s.endStroke();
    const uploading = s.mask.slice();
    s.beginStroke([4, 3, 1], 2, brush); // painted while the save is in flight
    s.endStroke();
    s.markSaved(uploading);
    expect(s.getSnapshot().dirty).toBe(true);
    s.undo();
    expect(s.getSnapshot().dirty).toBe(false);
  });
});

describe('region guard', () => {
  it('headMask is 1 where any volume has signal, and refuses volumes of different sizes', () => {
    const other = new Float32Array(N);
    other[idx(0, 0, 0)] = 5;
    const m = headMask([image(), other]);
    expect(m[idx(0, 0, 0)]).toBe(1);
    expect(m[idx(10, 10, 1)]).toBe(1);
    expect(m[idx(1, 1, 1)]).toBe(0);
    expect(() => headMask([image(), new Float32Array(3)])).toThrow(/differ/);
    expect(() => headMask([])).toThrow();
  });

  it('a fill inside the head stops at its edge; seeded in the air it changes nothing', () => {
    const within = headMask([image()]);
    const s = new EditSession(new Uint8Array(N), grid);
    expect(s.fill([1, 1, 1], 2, brush, false, { within })).toBe(0);
    expect(s.getSnapshot().dirty).toBe(false);
    expect(s.fill([10, 10, 1], 2, brush, false, { within })).toBe(100);
    expect(countLabels(s.mask)['3']).toBe(100);
    expect(s.mask[idx(4, 10, 1)]).toBe(0);
    // without the guard the same click floods the whole slice, air included
    s.undo();
    expect(s.fill([10, 10, 1], 2, brush, false)).toBe(400);
  });

  it('a declined fill leaves the mask, counts, history and dirty state as they were', () => {
    const s = new EditSession(new Uint8Array(N), grid);
    const asked: number[] = [];
    const n = s.fill([10, 10, 1], 2, brush, true, {
      approve: (voxels) => (asked.push(voxels), false),
    });
    expect(n).toBe(FILL_DECLINED);
    expect(asked).toEqual([N]);
    expect(s.mask.every((v) => v === 0)).toBe(true);
    expect(s.getSnapshot()).toMatchObject({ dirty: false, canUndo: false, revision: 0 });
    expect(s.fill([10, 10, 1], 2, brush, true, { approve: () => true })).toBe(N);
    expect(s.getSnapshot().canUndo).toBe(true);
  });

  it('says how much a change is and asks only above the limit', () => {
    const ml = changedMl(57_300, [1, 1, 1]);
    expect(ml).toBeCloseTo(57.3);
    expect(confirmText('fill', ml, 'ET')).toBe('This fill changes 57.3 mL (ET). Apply?');
    expect(needsConfirmation(ml, 10)).toBe(true);
    expect(needsConfirmation(2, 10)).toBe(false);
    expect(changedMl(1000, [1, 1, 2])).toBe(2);
  });
});
