import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { getMonitoringDashboard } from '@/lib/server/drift/monitoring';
import { getMonitoringSummary } from '@/lib/server/drift/summary';
import { createFlag } from '@/lib/server/flags';
import { seededRng } from '@/lib/metrics/bootstrap';
import { createCase, createDriftReport, createModelVersion, createPrediction, createUserActor } from './db-fixtures';

useTestDb();

describe('monitoring dashboard from stored drift reports', () => {
  it('is null without a production model', async () => {
    expect(await getMonitoringDashboard({ window: 'cases', split: 'none', overlays: [] })).toBeNull();
  });

  it('tracks production reports per window, splits by site and alerts on the drifting window', async () => {
    const mv = await createModelVersion();
    const shadow = await createModelVersion(undefined, 'CANDIDATE');
    const rng = seededRng(11);
    const physician = await createUserActor('PHYSICIAN');
    for (let i = 0; i < 50; i++) {
      const shifted = i >= 25;
      const c = await createCase({ site: shifted ? 'B' : 'A' });
      const et = (2 + 18 * rng()) * (shifted ? 3 : 1);
      const p = await createPrediction(c.id, mv.id, {
        volumesMl: { NCR: 2 + 28 * rng(), ED: 10 + 90 * rng(), ET: et, TC: 30, WT: 20 + 130 * rng() },
      });
      await createDriftReport(c.id, p.id, shifted ? 2 : 0.3, {
        createdAt: new Date(Date.UTC(2026, 0, 5, i)),
        checks: [{ kind: 'features.mahalanobis', value: 1 + 3 * rng() }],
      });
      // shadow predictions are not the production population
      const s = await createPrediction(c.id, shadow.id, { role: 'SHADOW', returned: false, volumesMl: { ET: 500 } });
      await createDriftReport(c.id, s.id, 9);
      if (i % 10 === 0) await createFlag(physician, { caseId: c.id, reason: 'BOUNDARY' });
    }
    const d = (await getMonitoringDashboard({ window: 'cases', split: 'site', overlays: ['volume.ET', 'features.mahalanobis'] }))!;
    expect(d.cases).toBe(50);
    expect(d.overlays.map((o) => [o.kind, o.production.length])).toEqual([
      ['volume.ET', 50],
      ['features.mahalanobis', 50],
    ]);
    const alerts = d.alerts.filter((a) => a.status === 'alert');
    expect(alerts.some((a) => a.kind === 'volume.ET' && a.segment === 'all cases' && a.window === 'cases 26-50')).toBe(true);
    expect(alerts.some((a) => a.kind === 'volume.ET' && a.segment === 'B')).toBe(true);
    expect(alerts.some((a) => a.segment === 'A')).toBe(false);
    const drifterRate = d.rates.filter((p) => p.segment === 'all cases' && p.series === 'drifter rate').map((p) => p.value);
    expect(drifterRate).toEqual([0, 1]);
    const summary = await getMonitoringSummary();
    expect(summary).toMatchObject({ predictions: 50, drifters: 25, flags: 5, flaggedCases: 5 });
    expect(summary.flagRate).toBeCloseTo(0.1, 12);
  });
});
