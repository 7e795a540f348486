import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { getLatencyWindows, nearestRank } from '@/lib/server/drift/latency';
import { STAGES, type StageTimings } from '@/lib/server/serving/stage-timings';
import { LatencyPanel } from '@/components/monitoring/LatencyPanel';
import { createCase, createModelVersion, createPrediction } from './db-fixtures';

useTestDb();

/** Stage timings whose network stage is `network` ms and whose other stages are 10 ms each; the total is their sum. */
function timings(network: number) {
  const stages = Object.fromEntries(STAGES.map((s) => [s, s === 'network' ? network : 10])) as StageTimings;
  return { total: network + 30, stages, requestToReport: Object.values(stages).reduce((a, b) => a + b, 0) };
}

async function predictionAt(
  modelVersionId: string,
  createdAt: Date,
  timingsMs: object | null,
  role: 'PRODUCTION' | 'SHADOW' = 'PRODUCTION',
) {
  const c = await createCase();
  const p = await createPrediction(c.id, modelVersionId, { role, returned: role === 'PRODUCTION' });
  await db().prediction.update({ where: { id: p.id }, data: { createdAt, ...(timingsMs ? { timingsMs } : {}) } });
}

describe('serving latency over time', () => {
  it('nearest-rank quantiles pick a value that occurred', () => {
    expect(nearestRank([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(nearestRank([5, 1, 4, 2, 3], 0.95)).toBe(5);
    expect(
      nearestRank(
        Array.from({ length: 20 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(19);
  });

  it('gives p50/p95 per UTC day of production predictions with stage timings, and the panel shows them', async () => {
    const mv = await createModelVersion();
    const now = new Date('2026-12-07T12:00:00Z');
    const day1 = new Date('2026-12-05T08:00:00Z');
    const day2 = new Date('2026-12-06T08:00:00Z');
    for (const ms of [1000, 2000, 3000, 4000]) await predictionAt(mv.id, day1, timings(ms));
    // the slow-down: the next day's network stage takes ten times as long
    for (const ms of [10_000, 20_000, 30_000]) await predictionAt(mv.id, day2, timings(ms));
    // left out: a shadow model's prediction, one stored before the breakdown existed, one older than the window
    await predictionAt(mv.id, day2, timings(99_000), 'SHADOW');
    await predictionAt(mv.id, day2, { total: 5, preprocess: 1, inference: 3, sessionRun: 3, postprocess: 1 });
    await predictionAt(mv.id, new Date('2026-10-01T08:00:00Z'), timings(99_000));

    const windows = await getLatencyWindows({ now, days: 30 });
    expect(windows.map((w) => [w.window, w.predictions])).toEqual([
      ['2026-12-05', 4],
      ['2026-12-06', 3],
    ]);
    expect(windows[0].p50.network).toBe(2000);
    expect(windows[0].p95.network).toBe(4000);
    expect(windows[1].p50.network).toBe(20_000);
    expect(windows[1].p95.network).toBe(30_000);
    expect(windows[1].p50.requestToReport).toBe(20_000 + 70);
    expect(windows[1].p50.queueWait).toBe(10);

    const html = renderToStaticMarkup(createElement(LatencyPanel, { windows }));
    expect(html).toContain('data-testid="chart-latency"');
    expect(html).toContain('Latency by stage, 2026-12-06 (3 predictions)');
    // the latest day's network row: p50 20.0 s, p95 30.0 s
    expect(html).toMatch(/Network<\/td><td[^>]*>20\.0<\/td><td[^>]*>30\.0</);
    expect(renderToStaticMarkup(createElement(LatencyPanel, { windows: [] }))).toContain('No timed predictions yet.');
  });
});
