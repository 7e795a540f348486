import { describe, expect, it } from 'vitest';
import { buildDashboard } from '@/lib/server/drift/monitoring/build';
import { makeWindows } from '@/lib/server/drift/monitoring/windows';
import { psiBins, windowStats } from '@/lib/server/drift/monitoring/population';
import type { MonitoredCase } from '@/lib/server/drift/monitoring/data';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';
import { seededRng } from '@/lib/metrics/bootstrap';
import { fixtureCard } from './card-fixture';

const ref = driftReferenceFromCard(fixtureCard());
const settings = DEFAULT_DRIFT_SETTINGS;

/** Cases whose volumes follow the fixture reference (uniform ranges), one per hour from 2026-01-05 (a Monday). */
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
    flagged: i % 10 === 0,
    values: {
      'volume.WT': u(20, 150),
      'volume.NCR': u(2, 30),
      'volume.ED': u(10, 100),
      'volume.ET': u(2, 20) * (opts.etScale ?? 1),
      'features.mahalanobis': u(1, 4),
    },
  }));
}

describe('windows', () => {
  const rows = cohort(60, 1);
  it('cut every N cases, keeping a partial last window', () => {
    const w = makeWindows(rows, 'cases', 25);
    expect(w.map((x) => x.rows.length)).toEqual([25, 25, 10]);
    expect(w[2].label).toBe('cases 51-60');
  });

  it('group by UTC day and ISO week (Monday start)', () => {
    expect(makeWindows(rows, 'day', 25).map((w) => [w.key, w.rows.length])).toEqual([
      ['2026-01-05', 24],
      ['2026-01-06', 24],
      ['2026-01-07', 12],
    ]);
    const late = cohort(3, 2, { start: 24 * 6 }); // Sunday 2026-01-11: still the week of Monday the 5th
    expect(makeWindows([...rows, ...late], 'week', 25).map((w) => w.key)).toEqual(['2026-01-05']);
    const next = cohort(2, 3, { start: 24 * 7 });
    expect(makeWindows([...rows, ...next], 'week', 25).map((w) => w.key)).toEqual(['2026-01-05', '2026-01-12']);
  });
});

describe('windowStats', () => {
  it('uses fewer PSI bins for small windows', () => {
    expect([5, 20, 30, 50, 500].map(psiBins)).toEqual([3, 4, 6, 10, 10]);
  });

  it('marks small windows as insufficient whatever they contain', () => {
    expect(windowStats([100, 200, 300], [1, 2, 3, 4], settings, 1).status).toBe('insufficient');
  });
});

describe('buildDashboard', () => {
  it('raises no alert for in-distribution windows', () => {
    const d = buildDashboard(cohort(100, 4), ref, settings, { window: 'cases', split: 'none', overlays: ['volume.ET'] });
    expect(d.alerts.filter((a) => a.status === 'alert')).toEqual([]);
    expect(d.table.some((r) => r.kind === 'volume.ET' && r.window === 'cases 76-100')).toBe(true);
    expect(d.latest.every((r) => r.window === 'cases 76-100')).toBe(true);
  });

  it('alerts on the window where enhancing volumes triple, with PSI, KS and W1 in the message', () => {
    const rows = [...cohort(50, 5), ...cohort(25, 6, { etScale: 3, start: 50 })];
    const d = buildDashboard(rows, ref, settings, { window: 'cases', split: 'none', overlays: [] });
    const alerts = d.alerts.filter((a) => a.status === 'alert');
    expect(alerts.map((a) => `${a.kind} ${a.window}`)).toEqual(['volume.ET cases 51-75']);
    expect(alerts[0].message).toMatch(/^ET volume drifted in cases 51-75 \(all cases, n = 25\): PSI \d+\.\d\d, KS p = .+, W1 .+ mL$/);
    expect(alerts[0].w1!).toBeGreaterThan(10);
  });

  it('splits rates and alerts by site, so a drifting site stands out', () => {
    const rows = [...cohort(40, 7, { site: 'A' }), ...cohort(40, 8, { site: 'B', etScale: 3, start: 40 })].sort((a, b) =>
      a.createdAt.localeCompare(b.createdAt),
    );
    const d = buildDashboard(rows, ref, settings, { window: 'cases', split: 'site', overlays: [] });
    expect(new Set(d.rates.map((p) => p.segment))).toEqual(new Set(['all cases', 'A', 'B']));
    const siteAlerts = d.alerts.filter((a) => a.status === 'alert' && a.kind === 'volume.ET').map((a) => a.segment);
    expect(siteAlerts).toContain('B');
    expect(siteAlerts).not.toContain('A');
    const flagRate = d.rates.find((p) => p.segment === 'A' && p.series === 'flag rate' && p.index === 0)!;
    expect(flagRate.value).toBeCloseTo(3 / 25, 12);
  });

  it('returns overlay data: production values and the reference rebuilt from the card quantiles', () => {
    const d = buildDashboard(cohort(30, 9), ref, settings, { window: 'day', split: 'none', overlays: ['volume.WT', 'uncertainty'] });
    expect(d.overlays.map((o) => o.kind)).toEqual(['volume.WT']); // the fixture card has no uncertainty reference
    expect(d.overlays[0].production).toHaveLength(30);
    expect(d.overlays[0].reference).toHaveLength(100); // train + val cases behind the volume reference
  });
});
