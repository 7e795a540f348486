import { describe, expect, it } from 'vitest';
import { parseModelCard } from '@/lib/schemas/model-card';
import { evaluateCase } from '@/lib/server/drift/checks';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { DEFAULT_DRIFT_SETTINGS, parseDriftSettings } from '@/lib/server/drift/settings';
import { ordinal } from '@/lib/server/drift/checks/tail';
import type { CaseStats, CheckResult } from '@/lib/server/drift/types';
import { fixtureCard, uniformQ } from './card-fixture';
import { inDistributionCase } from './case-fixture';

const ref = driftReferenceFromCard(fixtureCard());
const settings = DEFAULT_DRIFT_SETTINGS;
const run = (mutate: (c: CaseStats) => void, r = ref, s = settings) => {
  const c = inDistributionCase();
  mutate(c);
  return evaluateCase(c, r, s);
};
const check = (checks: CheckResult[], kind: string) => {
  const c = checks.find((x) => x.kind === kind);
  if (!c) throw new Error(`no check ${kind}`);
  return c;
};

describe('an in-distribution case', () => {
  const v = run(() => {});
  it('passes every check of all three families', () => {
    expect(v.isDrifter).toBe(false);
    expect(v.reasons).toEqual([]);
    expect(v.score).toBeLessThan(0.5);
    for (const fam of ['input', 'image', 'output'] as const)
      expect(v.checks.some((c) => c.family === fam && c.verdict === 'pass')).toBe(true);
    expect(v.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
  });

  it('reports value, reference, threshold and verdict for each check', () => {
    const et = check(v.checks, 'volume.ET');
    expect(et.value).toBe(10);
    expect(et.reference).toMatchObject({ population: 'training cases', quantile: 0.99, scale: 'log' });
    expect((et.reference as { high: number }).high).toBeCloseTo(19.82, 6);
    expect(et.threshold).toMatchObject({ failScore: 1.5 });
  });
});

describe('input metadata checks', () => {
  it('fail thick slices with the thickness in the reason', () => {
    const v = run((c) => (c.meta.spacingMm = [1, 1, 5.5]));
    expect(v.isDrifter).toBe(true);
    expect(v.reasons[0]).toBe('slice thickness 5.50 mm, model trained on 1.00 mm');
    expect(check(v.checks, 'spacing').score).toBe(10); // 4.5 / 0.25 = 18, capped at MAX_SCORE
  });

  it('accept spacings within the tolerance (0.94 mm in-plane)', () => {
    expect(check(run((c) => (c.meta.spacingMm = [0.9375, 0.9375, 1])).checks, 'spacing').verdict).toBe('pass');
  });

  it('fail a missing sequence', () => {
    const v = run((c) => (c.meta.modalities = ['T1N', 'T2W', 'T2F']));
    expect(v.isDrifter).toBe(true);
    expect(v.reasons).toContain('T1C sequence missing; the model needs T1N, T1C, T2W, T2F');
  });

  it('only warn for an unseen orientation, size or data type (the pipeline copes)', () => {
    const v = run((c) => {
      c.meta.orientation = 'RAS';
      c.meta.dims = [256, 256, 160];
      c.meta.datatype = 'float32';
    });
    expect(v.isDrifter).toBe(false);
    expect(['orientation', 'dims', 'datatype'].map((k) => check(v.checks, k).verdict)).toEqual(['warn', 'warn', 'warn']);
    expect(v.reasons).toContain('orientation RAS not seen in training (LPS); the model reorients to RAS');
  });

  it('compare acquisition with the configured expectations, or report it as info', () => {
    expect(check(run(() => {}).checks, 'scanner').verdict).toBe('info');
    const s = parseDriftSettings({ expectedAcquisition: { manufacturers: ['GE', 'Siemens'], fieldStrengthsT: [3] } });
    const v = run((c) => ((c.meta.manufacturer = 'Philips'), (c.meta.fieldStrengthT = 1.5)), ref, s);
    expect(check(v.checks, 'scanner').verdict).toBe('warn');
    expect(check(v.checks, 'scanner').reason).toBe('Philips 1.5 T; the model saw GE and Siemens 3 T');
    const seen = run((c) => ((c.meta.manufacturer = 'siemens'), (c.meta.fieldStrengthT = 3)), ref, s);
    expect(check(seen.checks, 'scanner').verdict).toBe('pass');
  });

  it('tolerate intensity scale differences within the minimum relative spread', () => {
    // a homogeneous training set: per-case T1N medians all within 390-410
    const card = fixtureCard();
    card.reference.intensity.channels.T1N.caseMedian = uniformQ(390, 410);
    const narrow = driftReferenceFromCard(card);
    const scaled = (c: CaseStats) => (c.image!.intensity.T1N = c.image!.intensity.T1N!.map((x) => 1.25 * x));
    expect(check(run(scaled, narrow).checks, 'intensity.T1N.median').verdict).toBe('pass');
    expect(check(run(scaled, narrow, parseDriftSettings({ intensityMinRelativeSpread: 0 })).checks, 'intensity.T1N.median').verdict).toBe(
      'fail',
    );
    const doubled = (c: CaseStats) => (c.image!.intensity.T1N = c.image!.intensity.T1N!.map((x) => 2 * x));
    expect(check(run(doubled, narrow).checks, 'intensity.T1N.median').verdict).toBe('fail');
  });

  it('fail intensities on another scale, per sequence', () => {
    const v = run((c) => (c.image!.intensity.T1C = c.image!.intensity.T1C!.map((x) => 2 * x)));
    expect(check(v.checks, 'intensity.T1C.median').verdict).toBe('fail');
    expect(check(v.checks, 'intensity.T1N.median').verdict).toBe('pass');
    expect(v.reasons).toContain('T1C median intensity 800, above the 99th percentile of training cases (498)');
    // a pure rescaling leaves the z-scored histogram shape unchanged
    expect(check(v.checks, 'intensity.T1C.shape').verdict).toBe('pass');
  });
});

describe('image-based checks', () => {
  it('fail features far from training, scored against validation distances', () => {
    const near = check(run(() => {}).checks, 'features.mahalanobis');
    const far = check(run((c) => (c.output!.features = [10, 0, 0, 0])).checks, 'features.mahalanobis');
    expect(near.value).toBeCloseTo(1, 12);
    expect(near.verdict).toBe('pass');
    expect(far.value).toBeCloseTo(10, 12);
    expect(far.verdict).toBe('fail');
    expect(far.reason).toMatch(/^image features unlike training: .* above the 99th percentile of validation cases \(3\.97\)$/);
    expect(far.score!).toBeGreaterThan(near.score!);
  });

  it('report features of the wrong length as info rather than a verdict', () => {
    expect(check(run((c) => (c.output!.features = [1, 2])).checks, 'features.mahalanobis').verdict).toBe('info');
  });

  it('skip the Mahalanobis check (info) for a model without a feature tensor (card 2, featureDim 0)', () => {
    const card = parseModelCard(fixtureCard());
    Object.assign(card.output, { featureDim: 0, featuresName: '' });
    card.reference.features = null;
    const noFeatures = driftReferenceFromCard(card);
    expect(noFeatures.features).toBeNull();
    const v = run((c) => (c.output!.features = []), noFeatures);
    const f = check(v.checks, 'features.mahalanobis');
    expect(f.verdict).toBe('info');
    expect(v.isDrifter).toBe(false);
  });

  it('fail a changed histogram shape (contrast gamma) with the default threshold', () => {
    const v = run((c) => (c.image!.intensity.T2F = c.image!.intensity.T2F!.map((x) => 800 * (x / 800) ** 3)));
    const shape = check(v.checks, 'intensity.T2F.shape');
    expect(shape.verdict).toBe('fail');
    expect(shape.reason).toMatch(/^T2F intensity histogram unlike training \(shape distance .* SD, threshold 0\.30\)$/);
  });

  it('use the card shape-distance quantiles when the card has them', () => {
    const card = fixtureCard();
    for (const ch of Object.values(card.reference.intensity.channels)) Object.assign(ch, { shapeDistance: uniformQ(0, 0.01) });
    const v = run(
      (c) => (c.image!.intensity.T2F = c.image!.intensity.T2F!.map((x) => 800 * (x / 800) ** 1.2)),
      driftReferenceFromCard(card),
    );
    expect(check(v.checks, 'intensity.T2F.shape').reference).toMatchObject({ population: 'training cases' });
    expect(check(v.checks, 'intensity.T2F.shape').verdict).toBe('fail');
  });
});

describe('output-based checks', () => {
  it('fail an enhancing volume above the training range, with a readable reason', () => {
    const v = run((c) => (c.output!.volumesMl.ET = 41));
    expect(v.reasons).toContain('enhancing tumour volume 41.0 mL, above the 99th percentile of training cases (19.8 mL)');
  });

  it('fail a missing enhancing tumour (non-enhancing disease)', () => {
    const v = run((c) => (c.output!.volumesMl.ET = 0));
    expect(check(v.checks, 'volume.ET').verdict).toBe('fail');
    expect(v.reasons[0]).toBe('enhancing tumour volume 0 mL, below the 1st percentile of training cases (2.18 mL)');
  });

  it('only warn about extra components against ground-truth counts (a prediction\u2019s stray voxels count too)', () => {
    expect(check(run(() => {}).checks, 'components.WT').verdict).toBe('pass');
    const v = run((c) => (c.output!.componentCounts!.WT = 30));
    expect(check(v.checks, 'components.WT')).toMatchObject({ verdict: 'warn', advisory: true });
    expect(v.isDrifter).toBe(false);
    expect(v.score).toBeLessThan(1);
    expect(v.reasons).toEqual(['WT connected components 30, above the 99th percentile of training labels (1)']);
  });

  it('fail a lesion count (lesion-sized components of the mask) beyond the margin, even against all-component counts', () => {
    expect(check(run(() => {}).checks, 'lesions').verdict).toBe('info');
    const card = fixtureCard();
    card.reference.volumes.components.WT = uniformQ(1, 3); // training labels with up to three (small) components
    const r = driftReferenceFromCard(card);
    expect(check(run((c) => (c.output!.lesions = 2), r).checks, 'lesions').verdict).toBe('pass');
    const v = run((c) => (c.output!.lesions = 4), r);
    expect(check(v.checks, 'lesions').verdict).toBe('fail');
    expect(v.reasons).toContain('lesion count 4, above the 99th percentile of training labels (all components) (3)');
  });

  it('fail a second lesion when every training case had one (card lesion counts)', () => {
    const card = fixtureCard();
    (card.reference.volumes as Record<string, unknown>).lesions = { minMl: 0.5, counts: uniformQ(1, 1) };
    const r = driftReferenceFromCard(card);
    expect(check(run((c) => (c.output!.lesions = 1), r).checks, 'lesions').verdict).toBe('pass');
    const v = run((c) => (c.output!.lesions = 2), r);
    expect(check(v.checks, 'lesions')).toMatchObject({ verdict: 'fail', label: 'lesion count' });
    expect(v.reasons).toEqual(['lesion count 2, above the 99th percentile of training labels (1)']);
  });

  it('fail extra components when the card has counts of its own validation predictions', () => {
    const card = fixtureCard();
    (card.reference.volumes as Record<string, unknown>).predictedComponents = {
      WT: uniformQ(1, 1),
      TC: uniformQ(1, 1),
      ET: uniformQ(1, 1),
    };
    const r = driftReferenceFromCard(card);
    expect(check(run(() => {}, r).checks, 'components.WT').verdict).toBe('pass');
    const v = run((c) => (c.output!.componentCounts!.WT = 2), r);
    expect(check(v.checks, 'components.WT').verdict).toBe('fail');
    expect(v.reasons).toEqual(['WT connected components 2, above the 99th percentile of validation predictions (1)']);
  });

  it('use the optional ratio and uncertainty references when the card carries them', () => {
    expect(check(run(() => {}).checks, 'uncertainty').verdict).toBe('info');
    const card = fixtureCard({ uncertainty: uniformQ(0.1, 0.3) });
    (card.reference.volumes as Record<string, unknown>).ratios = { ET_TC: uniformQ(0.3, 0.6) };
    const r = driftReferenceFromCard(card);
    const v = run((c) => ((c.output!.uncertainty = 0.9), (c.output!.volumesMl.ET = 2)), r);
    expect(check(v.checks, 'uncertainty').verdict).toBe('fail');
    expect(check(v.checks, 'ratio.ET_TC').value).toBeCloseTo(2 / 22, 12);
    expect(check(v.checks, 'ratio.ET_TC').verdict).toBe('fail');
  });
});

describe('combining checks', () => {
  it('orders reasons by severity and scores by the worst check', () => {
    const v = run((c) => {
      c.output!.volumesMl.ET = 41;
      c.meta.spacingMm = [1, 1, 5];
    });
    expect(v.reasons[0]).toMatch(/^slice thickness/);
    expect(v.reasons[1]).toMatch(/^enhancing tumour volume/);
    expect(v.score).toBe(Math.max(...v.checks.map((c) => c.score ?? 0)));
    expect(v.families.input.failed).toBe(1);
    expect(v.families.output.failed).toBe(1);
  });

  it('score grows with the size of the shift', () => {
    const scores = [1.2, 1.5, 2, 3].map((k) => check(run((c) => (c.output!.volumesMl.WT = 72 * k)).checks, 'volume.WT').score!);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
  });

  it('still reports metadata checks when there is no prediction', () => {
    const v = run((c) => {
      c.output = null;
      c.meta.modalities = ['T1N', 'T2W', 'T2F'];
    });
    expect(v.isDrifter).toBe(true);
    expect(check(v.checks, 'prediction').verdict).toBe('info');
  });
});

describe('settings', () => {
  it('merge stored values over the defaults and reject invalid ones', () => {
    expect(parseDriftSettings({ failScore: 2 }).failScore).toBe(2);
    expect(parseDriftSettings({ failScore: 2 }).tailQuantile).toBe(0.99);
    expect(parseDriftSettings(null)).toEqual(DEFAULT_DRIFT_SETTINGS);
    expect(() => parseDriftSettings({ tailQuantile: 2 })).toThrow(/tailQuantile/);
  });

  it('a stricter fail score turns a borderline case into a drifter', () => {
    const c = (x: CaseStats) => (x.output!.volumesMl.WT = 72 * 2.2);
    expect(run(c).isDrifter).toBe(false);
    expect(run(c, ref, parseDriftSettings({ failScore: 1 })).isDrifter).toBe(true);
  });

  it('names percentiles', () => {
    expect([0.99, 0.01, 0.95, 0.02, 0.03, 0.11, 0.5].map(ordinal)).toEqual(['99th', '1st', '95th', '2nd', '3rd', '11th', '50th']);
  });
});
