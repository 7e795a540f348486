import { describe, expect, it } from 'vitest';
import { holdoutCount, splitHoldout, type SplitCandidate } from '@/lib/server/datasets/split';

const cases = (n: number, site: (i: number) => string | null): SplitCandidate[] =>
  Array.from({ length: n }, (_, i) => ({ caseId: `case-${String(i).padStart(3, '0')}`, site: site(i) }));

describe('seeded, site-stratified hold-out split', () => {
  it('holds out round(fraction * n) cases and keeps every case exactly once', () => {
    const input = cases(50, (i) => (i % 2 ? 'A' : 'B'));
    const { train, holdout } = splitHoldout(input, 0.2, 's1');
    expect(holdout).toHaveLength(10);
    expect(train).toHaveLength(40);
    expect(new Set([...train, ...holdout]).size).toBe(50);
  });

  it('gives each site its share (largest remainders settle the rounding)', () => {
    // 30 from A, 15 from B, 5 with no site: 20% -> 6, 3, 1.
    const input = cases(50, (i) => (i < 30 ? 'A' : i < 45 ? 'B' : null));
    const { holdout } = splitHoldout(input, 0.2, 'seed');
    const site = new Map(input.map((c) => [c.caseId, c.site]));
    const per = (s: string | null) => holdout.filter((id) => site.get(id) === s).length;
    expect([per('A'), per('B'), per(null)]).toEqual([6, 3, 1]);
  });

  it('is deterministic, independent of arrival order, and changes with the seed', () => {
    const input = cases(40, (i) => ['A', 'B', 'C'][i % 3]);
    const a = splitHoldout(input, 0.25, 'x');
    const b = splitHoldout([...input].reverse(), 0.25, 'x');
    expect(b).toEqual(a);
    expect(splitHoldout(input, 0.25, 'y').holdout).not.toEqual(a.holdout);
  });

  it('ranks by hash, so growing a cohort never swaps which of the earlier cases are preferred for the hold-out', () => {
    const first = cases(20, () => 'A');
    const more = cases(60, () => 'A');
    const small = new Set(splitHoldout(first, 0.2, 'k').holdout);
    const oldInLarge = new Set(splitHoldout(more, 0.2, 'k').holdout.filter((id) => first.some((c) => c.caseId === id)));
    // Both are prefixes of the same ranking of the first 20 cases, so one contains the other.
    const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
    expect(subset(small, oldInLarge) || subset(oldInLarge, small)).toBe(true);
  });

  it('keeps at least one case on each side when it can, and none held out at fraction 0', () => {
    expect(holdoutCount(2, 0.2)).toBe(1);
    expect(holdoutCount(3, 0.9)).toBe(2);
    expect(holdoutCount(1, 0.5)).toBe(0);
    expect(
      splitHoldout(
        cases(5, () => 'A'),
        0,
        's',
      ).holdout,
    ).toEqual([]);
    expect(() =>
      splitHoldout(
        cases(5, () => 'A'),
        1,
        's',
      ),
    ).toThrow(RangeError);
  });

  it('ranks by the key when one is given: the same cases under other database ids split alike', () => {
    const base = cases(12, () => 'A');
    const keyed = (prefix: string) => base.map((c) => ({ caseId: `${prefix}-${c.caseId}`, key: c.caseId, site: c.site }));
    const strip = (ids: string[]) => ids.map((id) => id.replace(/^[^-]+-/, ''));
    expect(strip(splitHoldout(keyed('db1'), 0.3, 's').holdout)).toEqual(strip(splitHoldout(keyed('db2'), 0.3, 's').holdout));
    expect(strip(splitHoldout(keyed('db1'), 0.3, 's').holdout)).toEqual(splitHoldout(base, 0.3, 's').holdout);
  });
});
