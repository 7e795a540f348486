import { describe, expect, it } from 'vitest';
import { fitFeatures, invertSpd, ledoitWolf } from '@/lib/server/registry/calibration/features';
import { buildReference, type CalibrationCase } from '@/lib/server/registry/calibration/reference';
import { INTENSITY_LEVELS } from '@/lib/server/drift/intensity';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { fixtureCard } from '../drift/card-fixture';
import { inDistributionCase } from '../drift/case-fixture';
import { evaluateCase } from '@/lib/server/drift/checks';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';

// training/src/tumorwatch_train/reference_stats.ledoit_wolf on the same 30 x 3 sample (numpy), and np.linalg.inv
const X = Array.from({ length: 30 }, (_, i) => [i % 7, ((i * 3) % 5) + 0.5 * (i % 7), ((i * i) % 11) / 3]);
const NUMPY = {
  mean: [2.8333333333333335, 3.4166666666666665, 1.311111111111111],
  cov: [
    [3.906816539245638, 1.612155698362874, 0.1004165106522861],
    [1.612155698362874, 2.8300848136967103, 0.19141897343092037],
    [0.1004165106522861, 0.19141897343092037, 1.1214089744959226],
  ],
  shrink: 0.152735691371336,
  prec: [
    [0.3346287776174907, -0.19079714762682878, 0.002603813583175236],
    [-0.19079714762682876, 0.4662613198610685, -0.06250358342527365],
    [0.0026038135831752424, -0.06250358342527366, 0.9021712229076572],
  ],
};
const close = (a: number[][], b: number[][]) => a.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 10)));

describe('calibration feature statistics', () => {
  it('match the trainer (Ledoit-Wolf mean, shrunk covariance, shrinkage, precision)', () => {
    const lw = ledoitWolf(X);
    lw.mean.forEach((v, i) => expect(v).toBeCloseTo(NUMPY.mean[i], 12));
    close(lw.covariance, NUMPY.cov);
    expect(lw.shrinkage).toBeCloseTo(NUMPY.shrink, 12);
    close(invertSpd(lw.covariance), NUMPY.prec);
  });

  it('gives held-out (leave-one-out) distances larger than in-sample ones, and refuses unusable input', () => {
    const fit = fitFeatures(X);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(fit.leaveOneOut).toHaveLength(30);
    expect(mean(fit.leaveOneOut)).toBeGreaterThan(mean(fit.inSample));
    expect(() => fitFeatures([[1, 2]])).toThrow(/at least 2 cases/);
    expect(() => fitFeatures([[1, 2], [1]])).toThrow(/differ in length/);
    expect(() =>
      invertSpd([
        [1, 2],
        [2, 1],
      ]),
    ).toThrow(/not positive definite/);
  });
});

function fakeCase(i: number, labelled: boolean): CalibrationCase {
  const v = { NCR: 5 + i, ED: 30 + i, ET: 4 + i, TC: 9 + 2 * i, WT: 39 + 3 * i };
  return {
    caseId: `c${i}`,
    meta: {
      modalities: ['T1N', 'T1C', 'T2W', 'T2F'],
      dims: [240, 240, 155],
      spacingMm: [1, 1, 1],
      orientation: 'LPS',
      datatype: 'int16',
      site: null,
      manufacturer: null,
      fieldStrengthT: null,
    },
    image: {
      intensity: Object.fromEntries(['T1N', 'T1C', 'T2W', 'T2F'].map((m) => [m, INTENSITY_LEVELS.map((l) => (800 + 10 * i) * l)])),
      levels: INTENSITY_LEVELS,
      brainVolumeMl: 1400 + i,
    },
    predicted: { volumesMl: v, components: { WT: 1, TC: 1, ET: 1 + (i % 2) }, lesions: 1, uncertainty: 0.2 + i / 100 },
    features: [i % 3, (i * 7) % 5, i / 2, 1 + (i % 2)],
    truth: labelled ? { volumesMl: { ...v, WT: 100 }, components: { WT: 1, TC: 1, ET: 1 } } : null,
    tta: { disagreement: 0.02 + i / 200, nesting: null },
  };
}

describe('a calibrated reference', () => {
  const opts = { featureDim: 4, flips: [[0]], minLesionMl: 0.5, description: '6 cases of dataset ref' };

  it('is a valid card 2 reference that the drift checks read, replacing the card reference', () => {
    const reference = buildReference(
      Array.from({ length: 6 }, (_, i) => fakeCase(i, false)),
      opts,
    );
    const ref = driftReferenceFromCard(fixtureCard(), reference);
    expect(ref.uncalibrated).toEqual([]);
    expect(ref.agnostic?.flips).toEqual([[0]]);
    expect(ref.componentSource).toBe('predictions');
    expect(ref.features?.distanceSource).toBe('validation');
    expect(ref.volumes.WT?.values.at(-1)).toBe(39 + 15); // unlabelled: the model's own predicted volumes
    expect(ref.intensity?.channels.T1C?.median.values[0]).toBe(400);
    expect(ref.metadata.brainVolumeMl?.values[0]).toBe(1400);
    expect(reference.volumes.source).toMatch(/predictions/);
  });

  it("names the hospital's reference cases, not the trainer's, in a calibrated check's reference and reason", () => {
    const reference = buildReference(
      Array.from({ length: 6 }, (_, i) => fakeCase(i, false)),
      opts,
    );
    const stats = inDistributionCase();
    stats.output!.volumesMl.WT = 5000;
    const v = evaluateCase(stats, driftReferenceFromCard(fixtureCard(), reference), DEFAULT_DRIFT_SETTINGS);
    const wt = v.checks.find((c) => c.kind === 'volume.WT')!;
    expect(wt.verdict).toBe('fail');
    expect(wt.reference).toMatchObject({ population: 'reference cases' });
    expect(wt.reason).toMatch(/above the 99th percentile of reference cases \(/);
    const trainer = evaluateCase(stats, driftReferenceFromCard(fixtureCard()), DEFAULT_DRIFT_SETTINGS);
    expect(trainer.checks.find((c) => c.kind === 'volume.WT')!.reason).toMatch(/of training cases \(/);
  });

  it('uses ground-truth volumes only when every reference case is labelled', () => {
    const all = buildReference(
      [0, 1, 2].map((i) => fakeCase(i, true)),
      opts,
    );
    expect(all.volumes.labels.WT.values.every((v) => v === 100)).toBe(true);
    const some = buildReference([fakeCase(0, true), fakeCase(1, false), fakeCase(2, false)], opts);
    expect(some.volumes.labels.WT.values[0]).toBe(39);
  });

  it('is refused by the card when it does not fit the model (feature size)', () => {
    const reference = buildReference(
      [0, 1, 2].map((i) => ({ ...fakeCase(i, false), features: [i, i * i, 1] })),
      { ...opts, featureDim: 3 },
    );
    expect(() => driftReferenceFromCard(fixtureCard(), reference)).toThrow(/feature statistics must all be 4-dimensional/);
  });
});
