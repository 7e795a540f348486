import { describe, expect, it } from 'vitest';
import {
  compareOnCases,
  driftDetection,
  meanDiceGain,
  worstDifferenceLower,
  type PairedRecord,
  type StreamCase,
} from '@/scripts/scenario/measure';
import { flatten } from '@/scripts/scenario/report';

const at = (s: number) => 1_000_000 + s * 1000;

function sc(index: number, shifted: boolean, isDrifter: boolean | null, sent: number, reported: number | null): StreamCase {
  return { index, shifted, sentAt: at(sent), isDrifter, reportedAt: reported === null ? null : at(reported) };
}

describe('drift detection figures', () => {
  const cases: StreamCase[] = [
    sc(0, false, false, 0, 5),
    sc(1, false, true, 5, 10), // false alarm before any shift
    sc(2, true, false, 10, 15), // first shifted case, missed
    sc(3, false, false, 15, 20),
    sc(4, true, true, 20, 26), // first true alert: 3 arrivals after the first shifted (inclusive), 16 s
    sc(5, true, true, 26, 31),
    sc(6, false, null, 31, null), // serving failed: no report
  ];

  it('counts precision and recall over shifted cases', () => {
    const d = driftDetection(cases);
    expect({ tp: d.tp, fp: d.fp, fn: d.fn, tn: d.tn, unreported: d.unreported }).toEqual({ tp: 2, fp: 1, fn: 1, tn: 3, unreported: 1 });
    expect(d.precision).toBeCloseTo(2 / 3, 10);
    expect(d.recall).toBeCloseTo(2 / 3, 10);
    expect(d.inDistributionDrifterRate).toBeCloseTo(1 / 4, 10);
  });

  it('times the first alert on a shifted case from the first shifted arrival', () => {
    const d = driftDetection(cases);
    expect(d.firstShiftedIndex).toBe(2);
    expect(d.firstAlertCases).toBe(3);
    expect(d.firstAlertSeconds).toBe(16);
    expect(d.falseAlarmsBeforeAlert).toBe(1);
  });

  it('reports no alert when nothing shifted was flagged', () => {
    const d = driftDetection([sc(0, true, false, 0, 1), sc(1, false, false, 1, 2)]);
    expect(d.firstAlertCases).toBeNull();
    expect(d.firstAlertSeconds).toBeNull();
    expect(d.precision).toBeNull();
    expect(d.recall).toBe(0);
  });
});

function rec(id: string, cand: number, base: number): PairedRecord {
  const m = (v: number) => ({ dice: v, lw_dice: v - 0.05 });
  return {
    caseId: id,
    candidate: { metrics: { WT: m(cand), TC: m(cand), ET: m(cand - 0.1) } },
    baseline: { metrics: { WT: m(base), TC: m(base), ET: m(base - 0.1) } },
  };
}

describe('candidate vs production on a set of cases', () => {
  const bs = { resamples: 500, confidence: 0.95, seed: 1 };

  it('gives means, CIs and the paired difference per region and metric', () => {
    const records = [
      rec('a', 0.9, 0.7),
      rec('b', 0.85, 0.72),
      rec('c', 0.88, 0.69),
      rec('d', 0.91, 0.75),
      rec('e', 0.86, 0.7),
      rec('f', 0.9, 0.71),
    ];
    const c = compareOnCases(records, bs)!;
    expect(c.n).toBe(6);
    expect(c.WT.dice.candidate.estimate).toBeCloseTo(5.3 / 6, 10);
    expect(c.WT.dice.production.estimate).toBeCloseTo(4.27 / 6, 10);
    expect(c.WT.dice.difference.estimate).toBeCloseTo((5.3 - 4.27) / 6, 10);
    expect(c.WT.dice.difference.lower).toBeGreaterThan(0);
    expect(c.ET.lw_dice.candidate.estimate).toBeCloseTo(5.3 / 6 - 0.15, 10);
    expect(worstDifferenceLower(c)).toBeGreaterThan(0.1);
    const gain = meanDiceGain(records, bs)!;
    expect(gain.estimate).toBeCloseTo((5.3 - 4.27) / 6, 10);
    expect(gain.n).toBe(6);
    expect(gain.significant).toBe(true);
    // the same consistent gain on too few cases is not called significant
    expect(meanDiceGain(records.slice(0, 3), bs)!.significant).toBe(false);
  });

  it('calls a mixed improvement not significant, and an empty set null', () => {
    const records = [rec('a', 0.9, 0.7), rec('b', 0.6, 0.8), rec('c', 0.8, 0.79)];
    expect(meanDiceGain(records, bs)!.significant).toBe(false);
    expect(compareOnCases([], bs)).toBeNull();
    expect(compareOnCases([{ ...rec('a', 1, 1), baseline: null }], bs)).toBeNull();
  });
});

describe('flat JSON', () => {
  it('flattens nested figures to dotted keys and keeps nulls', () => {
    expect(flatten({ a: { b: 1.234567, c: null, d: ['x', 'y'] }, e: true, f: NaN })).toEqual({
      'a.b': 1.2346,
      'a.c': null,
      'a.d': 'x | y',
      e: true,
      f: null,
    });
  });
});
