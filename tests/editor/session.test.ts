import { describe, expect, it } from 'vitest';
import { EditSession, type ToolSpec } from '@/lib/editor/session';
import { countLabels } from '@/lib/editor/stats';
import type { MaskGrid } from '@/lib/editor/types';

const grid: MaskGrid = { dims: [32, 32, 8], spacing: [1, 1, 1] };
const brush: ToolSpec = {
  kind: 'brush',
  label: 2,
  sizeMm: 3,
  sphere: false,
  protection: { mode: 'any' },
  eraseAnyLabel: false,
  range: null,
};

describe('EditSession', () => {
  it('makes each stroke one undo step, keeps counts exact, and tracks dirtiness against the last save', () => {
    let renders = 0;
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid, () => renders++);
    s.beginStroke([5, 5, 4], 2, brush);
    s.moveStroke([15, 5, 4]);
    s.endStroke();
    const painted = s.getSnapshot().counts['2'];
    expect(painted).toBe(3 * 13);
    expect(s.getSnapshot().counts).toEqual(countLabels(s.mask));
    expect(renders).toBeGreaterThan(0);
    s.markSaved();
    expect(s.getSnapshot().dirty).toBe(false);
    s.beginStroke([10, 5, 4], 2, { ...brush, kind: 'eraser' });
    s.endStroke();
    expect(s.getSnapshot().counts['2']).toBe(painted - 9);
    expect(s.getSnapshot().dirty).toBe(true);
    s.undo();
    expect(s.getSnapshot().counts['2']).toBe(painted);
    s.redo();
    expect(s.getSnapshot().counts).toEqual(countLabels(s.mask));
    expect(s.getSnapshot().undoLabel).toBe('Erase');
  });

  it('fills, interpolates across the last painted view axis, and removes islands as undoable steps', () => {
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid);
    for (const z of [1, 5]) {
      s.beginStroke([16, 16, z], 2, { ...brush, label: 3, sizeMm: 7 });
      s.endStroke();
    }
    const r = s.interpolate(3, { mode: 'background' });
    expect(r.filledSlices).toBe(3);
    s.beginStroke([1, 1, 0], 2, { ...brush, label: 1, sizeMm: 1 }); // a one-voxel island
    s.endStroke();
    const islands = s.removeIslands(0.01, 'all');
    expect(islands.removedVoxels).toBe(1);
    expect(s.fill([0, 0, 7], 2, { ...brush, label: 1 }, false)).toBe(32 * 32);
    expect(s.getSnapshot().counts).toEqual(countLabels(s.mask));
    s.undo();
    s.undo();
    expect(s.mask[1 + 1 * 32]).toBe(1); // the island is back
  });

  it('reset starts clean; replaceUndoable is one undoable step', () => {
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid);
    const draft = new Uint8Array(32 * 32 * 8).fill(1, 0, 100);
    s.replaceUndoable(draft, 'Restore draft');
    expect(s.getSnapshot()).toMatchObject({ dirty: true, canUndo: true, undoLabel: 'Restore draft' });
    s.reset(new Uint8Array(32 * 32 * 8));
    expect(s.getSnapshot()).toMatchObject({ dirty: false, canUndo: false, counts: { '1': 0, '2': 0, '3': 0 } });
  });

  it('tells a stroke preview what the stroke in progress changed, incrementally, and which view it paints in', () => {
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid);
    expect(s.activeStroke).toBeNull();
    s.beginStroke([5, 5, 4], 1, brush);
    expect(s.activeStroke).toEqual({ axis: 1, erases: false });
    const seen: [number, number][] = [];
    let n = s.visitStrokeChanges(0, (i, before) => seen.push([i, before]));
    const first = seen.length;
    expect(first).toBeGreaterThan(0);
    s.moveStroke([15, 5, 4]);
    n = s.visitStrokeChanges(n, (i, before) => seen.push([i, before]));
    expect(n).toBe(seen.length);
    // every voxel once, each now the stroke's label and unlabelled before it
    expect(new Set(seen.map(([i]) => i)).size).toBe(seen.length);
    expect(seen.every(([i, before]) => s.mask[i] === 2 && before === 0)).toBe(true);
    s.endStroke();
    expect(s.activeStroke).toBeNull();
    expect(s.getSnapshot().counts['2']).toBe(seen.length);
    s.beginStroke([5, 5, 4], 2, { ...brush, kind: 'eraser' });
    expect(s.activeStroke).toEqual({ axis: 2, erases: true });
    s.endStroke();
  });

  it('puts a fill between slices back when its size is refused, leaving no undo step', () => {
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid);
    for (const z of [2, 6]) {
      s.beginStroke([10, 10, z], 2, { ...brush, sizeMm: 5 });
      s.endStroke();
    }
    const before = s.mask.slice();
    const counts = s.getSnapshot().counts;
    const asked: number[] = [];
    const r = s.interpolate(2, { mode: 'background' }, 2, (n) => (asked.push(n), false));
    expect(r.declined).toBe(true);
    expect(asked[0]).toBeGreaterThan(0);
    expect(s.mask).toEqual(before);
    expect(s.getSnapshot().counts).toEqual(counts);
    expect(s.getSnapshot().undoLabel).toBe('Paint 2');
    expect(s.interpolate(2, { mode: 'background' }, 2, () => true).changedVoxels).toBe(asked[0]);
  });
});
