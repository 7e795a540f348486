import { describe, expect, it } from 'vitest';
import { ChangeRecorder, EditHistory } from '@/lib/editor/history';
import { applyEntryToCounts, countLabels } from '@/lib/editor/stats';

function paint(mask: Uint8Array, idx: number[], value: number, label = 'paint') {
  const rec = new ChangeRecorder(mask);
  for (const i of idx) rec.set(i, value);
  return rec.finish(label);
}

describe('EditHistory', () => {
  it('undoes and redoes any number of steps (more than NiiVue keeps)', () => {
    const mask = new Uint8Array(100);
    const h = new EditHistory();
    const snapshots = [mask.slice()];
    for (let s = 0; s < 20; s++) {
      h.push(paint(mask, [s, s + 1, 50 + (s % 7)], (s % 3) + 1)!);
      snapshots.push(mask.slice());
    }
    for (let s = 19; s >= 0; s--) {
      h.undo(mask);
      expect(mask).toEqual(snapshots[s]);
    }
    expect(h.canUndo).toBe(false);
    for (let s = 1; s <= 20; s++) {
      h.redo(mask);
      expect(mask).toEqual(snapshots[s]);
    }
  });

  it('drops the redo branch on a new edit', () => {
    const mask = new Uint8Array(10);
    const h = new EditHistory();
    h.push(paint(mask, [1], 1)!);
    h.undo(mask);
    h.push(paint(mask, [2], 2)!);
    expect(h.canRedo).toBe(false);
    expect([...mask]).toEqual([0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps the first value of a voxel touched twice in one stroke and omits no-op strokes', () => {
    const mask = new Uint8Array(10);
    mask[3] = 2;
    const rec = new ChangeRecorder(mask);
    rec.set(3, 1);
    rec.set(3, 3);
    rec.set(4, 1);
    rec.set(4, 0);
    const e = rec.finish('x')!;
    expect([...e.indices]).toEqual([3]);
    expect([...e.before, ...e.after]).toEqual([2, 3]);
    expect(paint(mask, [3], 3)).toBeNull();
  });

  it('evicts the oldest steps past its memory cap', () => {
    const mask = new Uint8Array(1000);
    const h = new EditHistory(100 * 6 * 3);
    for (let s = 0; s < 5; s++)
      h.push(
        paint(
          mask,
          Array.from({ length: 100 }, (_, i) => i + s * 100),
          1,
        )!,
      );
    expect(h.depth).toBe(3);
  });

  it('updates counts incrementally exactly as a full recount does', () => {
    const mask = new Uint8Array(64);
    mask.fill(2, 0, 10);
    let counts = countLabels(mask);
    const e = paint(mask, [0, 1, 2, 30, 31], 3)!;
    counts = applyEntryToCounts(counts, e, 1);
    expect(counts).toEqual(countLabels(mask));
    new EditHistory().push(e);
    for (let i = 0; i < e.indices.length; i++) mask[e.indices[i]] = e.before[i];
    expect(applyEntryToCounts(counts, e, -1)).toEqual(countLabels(mask));
  });
});
