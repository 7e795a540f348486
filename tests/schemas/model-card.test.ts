import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CARD_SCHEMA_ID,
  CARD_SCHEMA_V1,
  CARD_SCHEMA_V2,
  modelCardSchema,
  modelCardV1Schema,
  parseModelCard,
  uncalibratedParts,
  upgradeCard,
} from '@/lib/schemas/model-card';

// The committed production model's card, written by training/ (python -m tumorwatch_train train).
const CARD_PATH = path.resolve(__dirname, '../../models/tumorwatch-seg-1.0.0/model-card.json');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests mutate arbitrary fields of raw JSON
const load = () => JSON.parse(readFileSync(CARD_PATH, 'utf8')) as Record<string, any>;

function issuesOf(card: unknown): string[] {
  const r = modelCardSchema.safeParse(card);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('model card schema', () => {
  it('accepts the committed v1.0.0 card and exposes its contract', () => {
    const card = parseModelCard(load());
    expect(card.version).toBe('1.0.0');
    expect(card.preprocessing.channels).toEqual(['T1N', 'T1C', 'T2W', 'T2F']);
    expect(card.preprocessing.targetSpacingMm).toEqual([2, 2, 2]);
    expect(card.output.classes.map((c) => c.name)).toEqual(['background', 'NCR', 'ED', 'ET']);
    expect(card.reference.features!.precision).toHaveLength(card.output.featureDim);
    expect(card.onnx.parity.maxAbsDiff).toBeLessThanOrEqual(1e-3);
  });

  it('carries the measured quality report, and it meets the production quality bar on held-out domain A', () => {
    const q = parseModelCard(load()).metrics.quality!;
    expect(q.domainA.n).toBeGreaterThanOrEqual(20);
    expect(q.domainA.WT.dice).toBeGreaterThanOrEqual(0.85);
    expect(q.domainA.TC.dice).toBeGreaterThanOrEqual(0.75);
    expect(q.domainA.ET.dice).toBeGreaterThanOrEqual(0.7);
    expect(Object.keys(q)).toEqual(expect.arrayContaining(['real', 'shift:scanner+motion']));
  });

  it('accepts a card without a quality report, and refuses a malformed one', () => {
    const card = load();
    delete card.metrics.quality;
    expect(issuesOf(card)).toEqual([]);
    card.metrics.quality = { domainA: { n: 0, description: 'x', WT: { dice: 1.2, lw_dice: 0, lesion_f1: 0 } } };
    expect(issuesOf(card).filter((m) => m.startsWith('metrics.quality.domainA')).length).toBeGreaterThanOrEqual(3);
  });

  it('rejects a non-semver version', () => {
    const card = load();
    card.version = 'v1';
    expect(issuesOf(card)).toEqual([expect.stringContaining('version')]);
  });

  it('rejects a different channel order', () => {
    const card = load();
    card.preprocessing.channels = ['T1C', 'T1N', 'T2W', 'T2F'];
    expect(issuesOf(card).some((m) => m.startsWith('preprocessing.channels'))).toBe(true);
  });

  it('rejects feature statistics whose size disagrees with featureDim', () => {
    const card = load();
    card.output.featureDim += 1;
    expect(issuesOf(card)).toEqual([expect.stringContaining('reference.features')]);
  });

  it('rejects a failed ONNX parity check', () => {
    const card = load();
    card.onnx.parity.maxAbsDiff = 0.01;
    expect(issuesOf(card).some((m) => m.startsWith('onnx.parity.maxAbsDiff'))).toBe(true);
  });

  it('rejects intensity quantiles that do not match their levels', () => {
    const card = load();
    card.reference.intensity.channels.T2F.pooledQuantiles.pop();
    expect(issuesOf(card)).toEqual([expect.stringMatching(/T2F.*pooledQuantiles/)]);
  });

  it('rejects a channel without intensity statistics', () => {
    const card = load();
    delete card.reference.intensity.channels.T1N;
    expect(issuesOf(card).some((m) => m.includes('T1N'))).toBe(true);
  });

  it('rejects classes out of order', () => {
    const card = load();
    card.output.classes.reverse();
    expect(issuesOf(card).some((m) => m.startsWith('output.classes'))).toBe(true);
  });
});

describe('model card 2 and the upgrade from card 1', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests mutate arbitrary fields of raw JSON
  const v2 = () => JSON.parse(JSON.stringify(parseModelCard(load()))) as Record<string, any>;
  const issuesAt = (card: unknown, prefix: string) => issuesOf(card).filter((m) => m.startsWith(prefix));

  it('upgrades the committed card 1 into card 2 with the same behaviour, and card 2 parses to itself', () => {
    const card = parseModelCard(load());
    expect(load().schema).toBe(CARD_SCHEMA_V1);
    expect(card.schema).toBe(CARD_SCHEMA_ID);
    expect(CARD_SCHEMA_ID).toBe(CARD_SCHEMA_V2);
    expect(card.preprocessing.normalization).toEqual(
      Array(4).fill({ kind: 'zscore', mask: 'nonzero-per-channel', std: 'population', epsilon: 1e-8, outside: 0 }),
    );
    expect(card.preprocessing.orientation).toBe('RAS');
    expect(card.inference).toMatchObject({ blending: 'gaussian', mirrorAxes: [] });
    expect(card.output.classes.map((c) => c.label)).toEqual([0, 1, 2, 3]);
    expect(card.output).toMatchObject({ kind: 'softmax', labelMap: 'brats2023', featuresName: 'features', paint: [] });
    expect(card.onnx.files).toEqual([{ file: card.onnx.file, sha256: card.onnx.sha256 }]);
    expect(parseModelCard(v2())).toEqual(card);
    expect(upgradeCard(modelCardV1Schema.parse(load()))).toEqual(card);
  });

  it('accepts any channel subset and order with one normalisation each, native grid, no crop, mirroring, an ensemble', () => {
    const card = v2();
    card.preprocessing.channels = ['T2F', 'T1C'];
    card.preprocessing.normalization = [
      { kind: 'zscore', mask: 'crop', std: 'population', epsilon: 1e-8 },
      { kind: 'percentile-rescale', lowerPercentile: 0.5, upperPercentile: 99.5, targetRange: [0, 1], over: 'nonzero' },
    ];
    Object.assign(card.preprocessing, { orientation: 'native', targetSpacingMm: null, crop: { kind: 'none' } });
    Object.assign(card.inference, { blending: 'constant', mirrorAxes: [0, 1, 2], average: 'logits' });
    card.onnx.files.push({ file: 'fold1.onnx', sha256: 'b'.repeat(64) });
    expect(issuesOf(card)).toEqual([]);
  });

  it('accepts sigmoid regions (MONAI BraTS: TC, WT, ET at 0.5, brats2020 labels) and a model without a feature tensor', () => {
    const card = v2();
    Object.assign(card.output, {
      kind: 'sigmoid',
      labelMap: 'brats2020',
      featuresName: '',
      featureDim: 0,
      classes: ['TC', 'WT', 'ET'].map((name, index) => ({ index, name, threshold: 0.5 })),
      paint: [
        { channel: 1, label: 2 },
        { channel: 0, label: 1 },
        { channel: 2, label: 4 },
      ],
    });
    card.postprocessing.activation = 'sigmoid';
    card.reference.features = null;
    expect(issuesOf(card)).toEqual([]);
  });

  it('refuses parts that disagree, naming the field', () => {
    let card = v2();
    card.preprocessing.normalization.pop();
    expect(issuesAt(card, 'preprocessing.normalization')).toEqual([expect.stringContaining('one per channel')]);
    card = v2();
    card.preprocessing.channels = ['T1N', 'T1N'];
    expect(issuesAt(card, 'preprocessing.channels')).toHaveLength(1);
    card = v2();
    card.preprocessing.normalization[0] = {
      kind: 'percentile-rescale',
      lowerPercentile: 99,
      upperPercentile: 1,
      targetRange: [0, 1],
      over: 'crop',
    };
    expect(issuesAt(card, 'preprocessing.normalization.0')).toHaveLength(1);
    card = v2();
    card.output.kind = 'sigmoid';
    expect(issuesOf(card)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^postprocessing.activation/),
        expect.stringMatching(/^output.classes.0.threshold/),
        expect.stringMatching(/^output.paint/),
      ]),
    );
    card = v2();
    Object.assign(card.output, {
      kind: 'sigmoid',
      classes: card.output.classes.map((c: object) => ({ ...c, threshold: 0.5 })),
      paint: [{ channel: 4, label: 7 }],
    });
    card.postprocessing.activation = 'sigmoid';
    expect(issuesAt(card, 'output.paint.0')).toHaveLength(2);
    card = v2();
    card.output.classes[3].label = 4; // not in brats2023
    expect(issuesAt(card, 'output.classes.3.label')).toHaveLength(1);
    card = v2();
    card.output.labelMap = 'brats2019';
    expect(issuesAt(card, 'output.labelMap')).toHaveLength(1);
    card = v2();
    card.output.featureDim = 0;
    expect(issuesOf(card)).toEqual([expect.stringMatching(/^output.featuresName/), expect.stringMatching(/^reference.features/)]);
    card = v2();
    card.reference.features = { ...card.reference.features, mean: [0] };
    expect(issuesOf(card)).toEqual([expect.stringMatching(/^reference.features/)]);
    card = v2();
    card.onnx.files[0].sha256 = 'c'.repeat(64);
    expect(issuesAt(card, 'onnx.files.0')).toHaveLength(1);
    card = v2();
    card.preprocessing.channels = ['T1C'];
    card.preprocessing.normalization = [card.preprocessing.normalization[0]];
    delete card.reference.intensity.channels.T1C;
    expect(issuesAt(card, 'reference.intensity.channels.T1C')).toHaveLength(1);
  });

  it('accepts an uncalibrated card (reference null, or any part null) and says which parts are missing; card 1 keeps its reference', () => {
    let card = v2();
    card.reference = null;
    const parsed = parseModelCard(card);
    expect(parsed.reference).toEqual({ intensity: null, imageMetadata: null, features: null, volumes: null });
    expect(uncalibratedParts(parsed)).toEqual(['intensity', 'imageMetadata', 'features', 'volumes']);
    card = v2();
    card.reference.volumes = null;
    card.reference.features = null; // a model with a feature tensor, not calibrated yet
    expect(uncalibratedParts(parseModelCard(card))).toEqual(['features', 'volumes']);
    Object.assign(card.output, { featuresName: '', featureDim: 0 }); // no feature tensor: nothing to calibrate there
    expect(uncalibratedParts(parseModelCard(card))).toEqual(['volumes']);
    expect(uncalibratedParts(parseModelCard(load()))).toEqual([]);
    const v1 = load();
    v1.reference.volumes = null;
    expect(issuesOf(v1)).toEqual([expect.stringMatching(/^reference.volumes/)]);
  });
});
