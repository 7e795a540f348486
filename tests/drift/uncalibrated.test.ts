import { describe, expect, it } from 'vitest';
import { evaluateCase } from '@/lib/server/drift/checks';
import { NOT_CALIBRATED } from '@/lib/server/drift/checks/calibration';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';
import { parseModelCard } from '@/lib/schemas/model-card';
import { fixtureCard } from './card-fixture';
import { inDistributionCase } from './case-fixture';

/** The fixture card as a card 2 whose reference parts are the given ones (an imported model before model:calibrate). */
function cardWith(reference: Record<string, unknown> | null) {
  const v2 = JSON.parse(JSON.stringify(parseModelCard(fixtureCard())));
  v2.reference = reference === null ? null : { ...v2.reference, ...reference };
  return v2;
}

describe('drift checks of an uncalibrated model', () => {
  it('reports every check that needs the missing reference as skipped, with the way to calibrate, and no drifter', () => {
    const ref = driftReferenceFromCard(cardWith(null));
    expect(ref.uncalibrated).toEqual(['intensity', 'imageMetadata', 'features', 'volumes']);
    const c = inDistributionCase();
    c.output!.volumesMl.WT = 5000; // would fail against any calibrated reference
    const v = evaluateCase(c, ref, DEFAULT_DRIFT_SETTINGS);
    const skipped = v.checks.filter((x) => x.verdict === 'skipped');
    expect(skipped.map((x) => x.kind)).toEqual(
      expect.arrayContaining([
        'spacing',
        'intensity.T1C.median',
        'intensity.T2F.shape',
        'features.mahalanobis',
        'volume.WT',
        'components.ET',
      ]),
    );
    for (const x of skipped) {
      expect(x.reference).toEqual(expect.stringContaining(NOT_CALIBRATED));
      expect(x.score).toBeNull();
    }
    expect(v.isDrifter).toBe(false);
    expect(v.checks.find((x) => x.kind === 'modalities')!.verdict).toBe('pass'); // needs no reference
  });

  it('skips only the parts that are missing: a calibrated part still fails a shifted case', () => {
    const ref = driftReferenceFromCard(cardWith({ features: null, intensity: null }));
    expect(ref.uncalibrated).toEqual(['intensity', 'features']);
    const c = inDistributionCase();
    c.output!.volumesMl.WT = 5000;
    const v = evaluateCase(c, ref, DEFAULT_DRIFT_SETTINGS);
    const byKind = new Map(v.checks.map((x) => [x.kind, x.verdict]));
    expect(byKind.get('features.mahalanobis')).toBe('skipped');
    expect(byKind.get('intensity.T1N.p99')).toBe('skipped');
    expect(byKind.get('volume.WT')).toBe('fail');
    expect(v.isDrifter).toBe(true);
  });

  it('leaves a calibrated card exactly as before (no skipped check)', () => {
    const v = evaluateCase(inDistributionCase(), driftReferenceFromCard(fixtureCard()), DEFAULT_DRIFT_SETTINGS);
    expect(v.checks.some((x) => x.verdict === 'skipped')).toBe(false);
  });
});
