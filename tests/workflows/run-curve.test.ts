import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { appendPoint, curveFromHistory, storedCurve, type CurvePoint } from '@/lib/server/workflows/curve';
import { RunReporter } from '@/lib/server/workflows/reporter';
import { getRunStatus } from '@/lib/server/workflows/queries';

const pt = (step: number, loss: number | null = 1 / step, valDice: number | null = null): CurvePoint => ({ step, epoch: 1, loss, valDice });

describe('curve shaping', () => {
  it('appends points, replacing a second report of the same step', () => {
    const c = appendPoint(appendPoint(appendPoint([], pt(1)), pt(2, 0.5)), pt(2, 0.4, 0.7));
    expect(c).toEqual([pt(1), pt(2, 0.4, 0.7)]);
  });

  it('thins the older points once the cap is reached, keeping the newest', () => {
    let c: CurvePoint[] = [];
    for (let s = 1; s <= 9; s++) c = appendPoint(c, pt(s), 8);
    expect(c.length).toBeLessThanOrEqual(8);
    expect(c.at(-1)!.step).toBe(9);
    expect(c.map((p) => p.step)).toEqual([...c.map((p) => p.step)].sort((a, b) => a - b));
  });

  it('reads the stored column defensively', () => {
    expect(storedCurve(null)).toEqual({ points: [], totalSteps: null });
    expect(storedCurve({ points: [{ step: 'x' }, { step: 3, epoch: 1, loss: 0.2 }], totalSteps: 10 })).toEqual({
      points: [{ step: 3, epoch: 1, loss: 0.2, valDice: null }],
      totalSteps: 10,
    });
  });

  it("turns metrics.json's per-epoch history into an epoch curve", () => {
    const metrics = {
      history: [
        { epoch: 1, loss: 0.9 },
        { epoch: 2, loss: 0.7, val_dice: { mean: 0.61, WT: 0.7, TC: 0.6, ET: 0.5 } },
      ],
    };
    expect(curveFromHistory(metrics)).toEqual({
      x: 'epoch',
      totalSteps: null,
      points: [
        { step: 1, epoch: 1, loss: 0.9, valDice: null },
        { step: 2, epoch: 2, loss: 0.7, valDice: 0.61 },
      ],
    });
    expect(curveFromHistory({ validation: {} }).points).toEqual([]);
  });
});

describe("a run's stored curve", () => {
  useTestDb();
  useTestBlobs();

  const run = (status: 'RUNNING' | 'SUCCEEDED', params: object = { input: { config: 'tiny' } }) =>
    db().workflowRun.create({ data: { kind: 'TRAINING', runner: 'LOCAL', status, params } });

  it('is written by the reporter while the run is live, the last points when it closes', async () => {
    const r = await run('RUNNING');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-curve-'));
    const reporter = new RunReporter(r.id, path.join(dir, 'train.log'), 60_000);
    reporter.point({ ...pt(1, 0.9), totalSteps: 4 });
    reporter.point({ ...pt(2, 0.8, 0.3), totalSteps: 4 });
    await reporter.flush();
    const live = (await getRunStatus(r.id)).curve;
    expect(live).toEqual({ x: 'step', totalSteps: 4, points: [pt(1, 0.9), pt(2, 0.8, 0.3)] });
    reporter.point({ ...pt(4, 0.6, 0.4), totalSteps: 4 });
    await reporter.close();
    expect((await getRunStatus(r.id)).curve.points.map((p) => p.step)).toEqual([1, 2, 4]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('falls back to the uploaded metrics.json of a succeeded run that reported no live points (GitHub Actions)', async () => {
    const metrics = {
      history: [
        { epoch: 1, loss: 0.9 },
        { epoch: 2, loss: 0.6, val_dice: { mean: 0.5 } },
      ],
    };
    const blob = await blobs().put(new TextEncoder().encode(JSON.stringify(metrics)), { contentType: 'application/json' });
    const r = await run('SUCCEEDED', { input: { config: 'tiny' }, artefacts: { checkpoint: null, metrics: { key: blob.key } } });
    const curve = (await getRunStatus(r.id)).curve;
    expect(curve.x).toBe('epoch');
    expect(curve.points.map((p) => [p.step, p.loss, p.valDice])).toEqual([
      [1, 0.9, null],
      [2, 0.6, 0.5],
    ]);
  });

  it('is empty for a run that has neither', async () => {
    const r = await run('SUCCEEDED');
    expect((await getRunStatus(r.id)).curve.points).toEqual([]);
  });
});
