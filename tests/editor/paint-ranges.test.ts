import { describe, expect, it } from 'vitest';
import { EditSession, type ToolSpec } from '@/lib/editor/session';
import { unionRange } from '@/components/viewer/drawing-upload';
import type { MaskGrid } from '@/lib/editor/types';

const grid: MaskGrid = { dims: [32, 32, 8], spacing: [1, 1, 1] };
const slice = 32 * 32;
const brush: ToolSpec = {
  kind: 'brush',
  label: 2,
  sizeMm: 3,
  sphere: false,
  protection: { mode: 'any' },
  eraseAnyLabel: false,
  range: null,
};
type Range = { first: number; last: number } | undefined;

/** Indices whose value differs between two masks. */
const changed = (a: Uint8Array, b: Uint8Array) => a.reduce<number[]>((out, v, i) => (v !== b[i] ? [...out, i] : out), []);

describe('the ranges a stroke reports for re-upload', () => {
  it('cover every voxel each step changed, and only the slices it touched', () => {
    const ranges: Range[] = [];
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid, (r) => ranges.push(r));
    let before = s.mask.slice();
    s.beginStroke([5, 5, 4], 2, brush);
    for (const x of [9, 14, 20]) {
      const reported = ranges.at(-1)!;
      expect(reported).toBeDefined();
      for (const i of changed(before, s.mask)) expect(i >= reported!.first && i <= reported!.last).toBe(true);
      expect(Math.floor(reported!.first / slice)).toBe(4); // a 2D axial brush stays on its slice
      expect(Math.floor(reported!.last / slice)).toBe(4);
      before = s.mask.slice();
      s.moveStroke([x, 5, 4]);
    }
    s.endStroke();
    // the commit (and undo, fill...) asks for a whole refresh
    expect(ranges.at(-1)).toBeUndefined();
    s.undo();
    expect(ranges.at(-1)).toBeUndefined();
  });

  it('spans the slices a sphere brush reaches', () => {
    const ranges: Range[] = [];
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid, (r) => ranges.push(r));
    s.beginStroke([10, 10, 4], 2, { ...brush, sphere: true, sizeMm: 5 });
    expect(Math.floor(ranges[0]!.first / slice)).toBe(2);
    expect(Math.floor(ranges[0]!.last / slice)).toBe(6);
    s.endStroke();
  });

  it('reports nothing for a move that paints nothing new', () => {
    const ranges: Range[] = [];
    const s = new EditSession(new Uint8Array(32 * 32 * 8), grid, (r) => ranges.push(r));
    s.beginStroke([5, 5, 4], 2, brush);
    const n = ranges.length;
    s.moveStroke([5, 5, 4]);
    expect(ranges.length).toBe(n);
    s.endStroke();
  });

  it('unions ranges of one frame', () => {
    expect(unionRange(null, { first: 5, last: 9 })).toEqual({ first: 5, last: 9 });
    expect(unionRange({ first: 5, last: 9 }, { first: 2, last: 7 })).toEqual({ first: 2, last: 9 });
  });
});
