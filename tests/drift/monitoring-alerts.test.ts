import { describe, expect, it } from 'vitest';
import { buildDashboard, type AlertRow } from '@/lib/server/drift/monitoring/build';
import { drivingCases, groupAlerts, reviewQueueHref, MAX_DRIVERS } from '@/lib/server/drift/monitoring/alerts';
import type { MonitoredCase } from '@/lib/server/drift/monitoring/data';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';
import { seededRng } from '@/lib/metrics/bootstrap';
import { fixtureCard } from './card-fixture';

const ref = driftReferenceFromCard(fixtureCard());
const settings = DEFAULT_DRIFT_SETTINGS;

/** Cases inside the fixture card's volume ranges, one per hour from 2026-01-05; `etScale` shifts ET volumes up. */
function cohort(n: number, seed: number, opts: { etScale?: number; site?: string; start?: number } = {}): MonitoredCase[] {
  const rng = seededRng(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng();
  return Array.from({ length: n }, (_, i) => ({
    caseId: `c${seed}-${i}`,
    externalId: `C${seed}-${i}`,
    createdAt: new Date(Date.UTC(2026, 0, 5) + ((opts.start ?? 0) + i) * 3600_000).toISOString(),
    site: opts.site ?? 'A',
    scanner: 'Siemens',
    isDrifter: false,
    score: 0.2,
    flagged: false,
    values: {
      'volume.WT': u(20, 150),
      'volume.NCR': u(2, 30),
      'volume.ED': u(10, 100),
      'volume.ET': u(2, 20) * (opts.etScale ?? 1),
      'features.mahalanobis': u(1, 4),
    },
  }));
}

const one = (caseId: string, value: number): MonitoredCase => ({
  caseId,
  externalId: caseId.toUpperCase(),
  createdAt: '2026-01-05T00:00:00.000Z',
  site: 'A',
  scanner: 'S',
  isDrifter: false,
  score: 0,
  flagged: false,
  values: { q: value },
});
const reference = Array.from({ length: 101 }, (_, i) => i); // 0..100: 5-95% is 5..95, median 50

describe('drivingCases', () => {
  it('returns the cases outside the reference 5-95% range, furthest from its median first', () => {
    const rows = [one('a', 50), one('b', 99), one('c', 2), one('d', 120), one('e', 60)];
    expect(drivingCases(rows, 'q', reference)).toEqual([
      { caseId: 'd', externalId: 'D', value: 120, outside: true },
      { caseId: 'b', externalId: 'B', value: 99, outside: true },
      { caseId: 'c', externalId: 'C', value: 2, outside: true },
    ]);
  });

  it('falls back to the five furthest cases when none is outside, and skips cases without the value', () => {
    const rows = [40, 45, 50, 55, 60, 70, 80].map((v, i) => one(`k${i}`, v));
    rows.push({ ...one('none', 0), values: {} });
    const picked = drivingCases(rows, 'q', reference);
    expect(picked.map((c) => c.value)).toEqual([80, 70, 40, 60, 45]);
    expect(picked.every((c) => !c.outside)).toBe(true);
  });

  it('caps the list', () => {
    const rows = Array.from({ length: 50 }, (_, i) => one(`x${i}`, 200 + i));
    expect(drivingCases(rows, 'q', reference)).toHaveLength(MAX_DRIVERS);
  });
});

const alert = (window: string, windowStart: string, kind: string, segment: string, status: 'alert' | 'warn', ids: string[]) =>
  ({
    kind,
    label: kind,
    unit: '',
    segment,
    window,
    windowStart,
    status,
    message: '',
    drivers: ids.map((id) => ({ caseId: id, externalId: id, value: 1, outside: true })),
  }) as unknown as AlertRow;

describe('groupAlerts', () => {
  it('groups by window (newest first) and quantity (alerts first), with each driving case once', () => {
    const groups = groupAlerts([
      alert('2026-01-05', '2026-01-05T01:00:00Z', 'volume.ET', 'all cases', 'alert', ['a', 'b']),
      alert('2026-01-06', '2026-01-06T00:00:00Z', 'volume.WT', 'all cases', 'warn', ['c']),
      alert('2026-01-05', '2026-01-05T01:00:00Z', 'volume.WT', 'all cases', 'warn', ['b', 'd']),
      alert('2026-01-05', '2026-01-05T03:00:00Z', 'volume.ET', 'site B', 'warn', ['a', 'e']),
    ]);
    expect(groups.map((g) => [g.window, g.status])).toEqual([
      ['2026-01-06', 'warn'],
      ['2026-01-05', 'alert'],
    ]);
    const jan5 = groups[1];
    expect(jan5.quantities.map((q) => [q.kind, q.status, q.alerts.map((a) => a.segment)])).toEqual([
      ['volume.ET', 'alert', ['all cases', 'site B']],
      ['volume.WT', 'warn', ['all cases']],
    ]);
    expect(jan5.quantities[0].cases.map((c) => c.caseId)).toEqual(['a', 'b', 'e']);
    expect(jan5.caseIds).toEqual(['a', 'b', 'e', 'd']);
  });

  it('links the review queue with the case ids', () => {
    expect(reviewQueueHref(['c1', 'c 2'])).toBe('/review?cases=c1,c%202');
  });
});

describe('buildDashboard alerts and windows', () => {
  it('links an alert to the shifted cases of its window', () => {
    const rows = [...cohort(50, 5), ...cohort(25, 6, { etScale: 3, start: 50 })];
    const d = buildDashboard(rows, ref, settings, { window: 'cases', split: 'none', overlays: [] });
    const group = d.alertGroups.find((g) => g.window === 'cases 51-75')!;
    const et = group.quantities.find((q) => q.kind === 'volume.ET')!;
    expect(et.status).toBe('alert');
    expect(et.cases.length).toBeGreaterThan(0);
    // every driving case is one of the shifted window's cases, and none lies inside the reference
    expect(et.cases.every((c) => c.caseId.startsWith('c6-') && c.outside)).toBe(true);
    expect(d.windowMode).toBe('cases');
    expect(d.rates.every((p) => p.period === null)).toBe(true);
  });

  it('gives day and week windows the date they begin on', () => {
    const rows = cohort(60, 1);
    const day = buildDashboard(rows, ref, settings, { window: 'day', split: 'none', overlays: [] });
    expect([...new Set(day.rates.map((p) => p.period))]).toEqual(['2026-01-05', '2026-01-06', '2026-01-07']);
    const week = buildDashboard(rows, ref, settings, { window: 'week', split: 'none', overlays: [] });
    expect([...new Set(week.volumes.map((p) => p.period))]).toEqual(['2026-01-05']);
  });
});
