import { describe, expect, it } from 'vitest';
import { changedVoxels, countLabels, countsToMl, diffMasks, regionDice } from '@/lib/editor/stats';
import { decodeRle, encodeRle } from '@/lib/editor/rle';
import { commandForKey, SHORTCUTS } from '@/lib/editor/shortcuts';
import { percentiles } from '@/lib/editor/threshold';

describe('stats', () => {
  it('counts labels and converts to mL with the voxel size', () => {
    const m = Uint8Array.from([0, 1, 1, 2, 3, 3, 3]);
    expect(countLabels(m)).toEqual({ '1': 2, '2': 1, '3': 3 });
    expect(countsToMl({ '1': 1000, '2': 0, '3': 500 }, [1, 1, 2])).toEqual({ '1': 2, '2': 0, '3': 1 });
  });

  it('computes region Dice as BraTS defines the regions', () => {
    const a = Uint8Array.from([1, 2, 3, 0, 0]);
    const b = Uint8Array.from([3, 2, 0, 2, 0]);
    const d = regionDice(a, b);
    expect(d.WT).toBeCloseTo((2 * 2) / (3 + 3)); // WT overlap at 0,1
    expect(d.TC).toBeCloseTo((2 * 1) / (2 + 1)); // TC: a {0,2}, b {0}
    expect(d.ET).toBeCloseTo((2 * 0) / (1 + 1));
    expect(regionDice(new Uint8Array(3), new Uint8Array(3))).toEqual({ WT: 1, TC: 1, ET: 1 });
  });

  it('diffs two versions per label with an overlay of added/removed/relabelled voxels', () => {
    const from = Uint8Array.from([0, 1, 2, 2, 3]);
    const to = Uint8Array.from([1, 1, 0, 3, 3]);
    const { diff, overlay } = diffMasks(from, to);
    expect(diff).toEqual({ added: { '1': 1, '2': 0, '3': 1 }, removed: { '1': 0, '2': 2, '3': 0 }, changed: 3 });
    expect([...overlay]).toEqual([1, 0, 2, 3, 0]);
    expect(changedVoxels(from, to)).toBe(3);
  });
});

describe('rle drafts', () => {
  it('round-trips a realistic mask compactly and rejects corrupt input', () => {
    const mask = new Uint8Array(240 * 240 * 155);
    for (let z = 60; z < 90; z++)
      for (let y = 100; y < 140; y++) mask.fill((z % 3) + 1, z * 57600 + y * 240 + 90, z * 57600 + y * 240 + 150);
    const enc = encodeRle(mask);
    expect(enc.length).toBeLessThan(20_000);
    // Buffer.compare: deep-equality on 8.9M elements is what would be slow here, not the codec
    expect(Buffer.compare(Buffer.from(decodeRle(enc)), Buffer.from(mask))).toBe(0);
    expect(() => decodeRle(enc.slice(0, enc.length - 1))).toThrow();
    expect(() => decodeRle(Uint8Array.from([1, 2, 3]))).toThrow();
  });
});

describe('shortcuts', () => {
  it('has one command per key and maps Shift+digit by physical key', () => {
    const keys = SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(commandForKey({ key: '!', code: 'Digit1', shiftKey: true })).toEqual({ kind: 'toggleLabelVisibility', label: 1 });
    expect(commandForKey({ key: 'z', metaKey: true })).toEqual({ kind: 'undo' });
    expect(commandForKey({ key: 'b' })).toEqual({ kind: 'tool', tool: 'brush' });
    expect(commandForKey({ key: 'q' })).toBeNull();
  });
});

describe('percentiles', () => {
  it('ignores zeros (outside the brain) and brackets the data', () => {
    const v = new Float32Array(1001);
    for (let i = 1; i <= 1000; i++) v[i] = i;
    const [p1, p50, p99] = percentiles(v, [1, 50, 99]);
    expect(p1).toBeGreaterThan(5);
    expect(p1).toBeLessThan(15);
    expect(Math.abs(p50 - 500)).toBeLessThan(3);
    expect(Math.abs(p99 - 990)).toBeLessThan(3);
  });
});
