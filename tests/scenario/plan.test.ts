import { describe, expect, it } from 'vitest';
import { flagReasonFor, inArrivalOrder, planSteady, planStream, seededCoin, shiftedShareAt } from '@/scripts/scenario/plan';

describe('scenario stream plan', () => {
  it('has no shifted case before the onset and reaches the target share at the end', () => {
    const n = 80;
    expect(shiftedShareAt(0, n, 0.25, 0.7)).toBe(0);
    expect(shiftedShareAt(19, n, 0.25, 0.7)).toBe(0);
    expect(shiftedShareAt(20, n, 0.25, 0.7)).toBeGreaterThan(0);
    expect(shiftedShareAt(n - 1, n, 0.25, 0.7)).toBeCloseTo(0.7, 10);
  });

  it('places shifted cases so their count tracks the expected count, with a growing share', () => {
    const plan = planStream(80, 0.25, 0.7);
    expect(plan).toHaveLength(80);
    expect(plan.slice(0, 20).every((d) => d === 'A')).toBe(true);
    let expected = 0;
    let shifted = 0;
    plan.forEach((d, i) => {
      expected += shiftedShareAt(i, 80, 0.25, 0.7);
      if (d === 'shifted') shifted++;
      expect(shifted).toBe(Math.floor(expected + 1e-9));
    });
    const firstHalf = plan.slice(20, 50).filter((d) => d === 'shifted').length;
    const secondHalf = plan.slice(50).filter((d) => d === 'shifted').length;
    expect(secondHalf).toBeGreaterThan(firstHalf);
    // total = sum of a linear ramp from 0.7/60 to 0.7 over 60 arrivals
    expect(shifted).toBe(Math.floor((0.7 * 61) / 2));
  });

  it('spreads a steady share evenly', () => {
    const plan = planSteady(10, 0.5);
    expect(plan.filter((d) => d === 'shifted')).toHaveLength(5);
    expect(plan.join(',')).toBe('A,shifted,A,shifted,A,shifted,A,shifted,A,shifted');
    expect(planSteady(4, 0).every((d) => d === 'A')).toBe(true);
  });

  it('flags with a seeded coin that depends only on the seed and the case', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `SYN-A-11-${i}`);
    const hits = ids.filter((id) => seededCoin('s', id, 0.1)).length;
    expect(hits).toBeGreaterThan(150);
    expect(hits).toBeLessThan(250);
    expect(ids.map((id) => seededCoin('s', id, 0.1))).toEqual(ids.map((id) => seededCoin('s', id, 0.1)));
    expect(ids.filter((id) => seededCoin('other', id, 0.1))).not.toEqual(ids.filter((id) => seededCoin('s', id, 0.1)));
  });

  it('chooses the flag reason from the shown whole-tumour volume', () => {
    expect(flagReasonFor(50, 100)).toBe('MISSED_LESION');
    expect(flagReasonFor(130, 100)).toBe('FALSE_POSITIVE');
    expect(flagReasonFor(100, 100)).toBe('BOUNDARY');
    expect(flagReasonFor(1, 0)).toBe('FALSE_POSITIVE');
  });
});

describe('inArrivalOrder (the first-come-first-served reading room)', () => {
  const q = (...ids: string[]) => ids.map((caseId) => ({ caseId }));
  it('sorts by arrival and stops before the first arrival that is not settled', () => {
    const settled = new Map([
      ['c0', 0],
      ['c1', 1],
      ['c3', 3],
      ['h', 9],
    ]);
    // c2 (index 2) is not settled: c3 and later wait, whatever the queue's own order
    expect(inArrivalOrder(q('c3', 'c1', 'x', 'c0'), settled).map((i) => i.caseId)).toEqual(['c0', 'c1']);
    settled.set('c2', 2);
    expect(inArrivalOrder(q('c3', 'c2', 'c0'), settled).map((i) => i.caseId)).toEqual(['c0', 'c2', 'c3']);
  });
  it('without settled arrivals it keeps the queue as it is', () => {
    expect(inArrivalOrder(q('b', 'a'))).toEqual(q('b', 'a'));
    expect(inArrivalOrder(q('b', 'a'), new Map())).toEqual([]);
  });
});
