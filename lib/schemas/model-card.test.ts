import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelCardSchema, parseModelCard } from './model-card';

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
