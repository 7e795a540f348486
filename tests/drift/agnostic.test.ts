import { describe, expect, it } from 'vitest';
import { parseModelCard } from '@/lib/schemas/model-card';
import { evaluateCase } from '@/lib/server/drift/checks';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';
import { maskDisagreement } from '@/lib/server/drift/agnostic/flip';
import { NestingCounter } from '@/lib/server/drift/agnostic/nesting';
import type { CaseStats, CheckResult } from '@/lib/server/drift/types';
import { fixtureCard, uniformQ } from './card-fixture';
import { inDistributionCase } from './case-fixture';

/** The fixture card as a card 2 with a flip reference (what model:calibrate writes), optionally a sigmoid model. */
function calibratedCard(sigmoid = false) {
  const c = JSON.parse(JSON.stringify(parseModelCard(fixtureCard())));
  c.reference.agnostic = { flips: [[0]], ttaDisagreement: uniformQ(0.02, 0.1), nesting: sigmoid ? uniformQ(0, 0.01) : null };
  if (sigmoid) {
    Object.assign(c.output, {
      kind: 'sigmoid',
      labelMap: 'brats2020',
      classes: ['TC', 'WT', 'ET'].map((name, index) => ({ index, name, threshold: 0.5 })),
      paint: [
        { channel: 1, label: 2 },
        { channel: 0, label: 1 },
        { channel: 2, label: 4 },
      ],
    });
    c.postprocessing.activation = 'sigmoid';
    delete c.postprocessing.argmax;
    c.inference.patchSize = [2, 2, 1]; // 4-voxel windows for the crafted outputs
  }
  return c;
}
const withAgnostic = (tta: number | null, nesting: number | null = null): CaseStats => {
  const c = inDistributionCase();
  c.output!.tta = tta == null ? null : { disagreement: tta, flips: [[0]] };
  c.output!.nesting = nesting;
  return c;
};
const check = (checks: CheckResult[], kind: string) => checks.find((x) => x.kind === kind)!;

describe('flip test-time-augmentation check', () => {
  const ref = driftReferenceFromCard(calibratedCard());

  it('passes a case whose flipped masks agree as the reference cases did, and flags one the model is unsure of', () => {
    const ok = evaluateCase(withAgnostic(0.05), ref, DEFAULT_DRIFT_SETTINGS);
    expect(check(ok.checks, 'tta.disagreement').verdict).toBe('pass');
    expect(ok.isDrifter).toBe(false);
    const unsure = evaluateCase(withAgnostic(0.45), ref, DEFAULT_DRIFT_SETTINGS);
    const c = check(unsure.checks, 'tta.disagreement');
    expect(c.verdict).toBe('fail');
    expect(c.reason).toMatch(/flipped along X.*flip disagreement.*0\.45.*above the 99th percentile of reference cases/);
    expect(unsure.isDrifter).toBe(true);
  });

  it('reports softmax nesting as holding by construction, and adds no rows for a card without a flip reference', () => {
    const v = evaluateCase(withAgnostic(0.05), ref, DEFAULT_DRIFT_SETTINGS);
    expect(check(v.checks, 'nesting.regions')).toMatchObject({ verdict: 'info', reference: expect.stringMatching(/by construction/) });
    const trainer = evaluateCase(inDistributionCase(), driftReferenceFromCard(fixtureCard()), DEFAULT_DRIFT_SETTINGS);
    expect(trainer.checks.some((x) => x.kind.startsWith('tta.') || x.kind.startsWith('nesting.'))).toBe(false);
  });

  it('measures disagreement as 1 - Dice averaged over WT, TC and ET', () => {
    const a = Uint8Array.from([0, 2, 2, 1, 3, 0]);
    expect(maskDisagreement(a, a)).toBe(0);
    expect(maskDisagreement(new Uint8Array(6), new Uint8Array(6))).toBe(0); // nothing predicted by either
    const b = Uint8Array.from([0, 2, 2, 2, 2, 0]); // core lost: WT agrees, TC and ET vanish
    expect(maskDisagreement(a, b)).toBeCloseTo((0 + 1 + 1) / 3, 12);
    expect(() => maskDisagreement(a, new Uint8Array(5))).toThrow(/differ in size/);
  });
});

describe('nesting of sigmoid regions', () => {
  const card = parseModelCard(calibratedCard(true));
  const ref = driftReferenceFromCard(calibratedCard(true));

  it('counts inner-region voxels outside their outer region in raw outputs (ET in TC in WT by paint order)', () => {
    const counter = NestingCounter.forCard(card)!;
    // one window of 4 voxels, channels TC, WT, ET (logits): voxel 3 has ET on but TC off -> 1 of 2 ET voxels outside
    const on = 3;
    const off = -3;
    const logits = Float32Array.from([on, on, off, off, /* WT */ on, on, on, off, /* ET */ on, off, off, on]);
    counter.add(logits, 1);
    expect(counter.violation()).toBeCloseTo(0.5, 12);
    const padded = NestingCounter.forCard(card)!; // a batch buffer longer than its n windows: the rest is ignored
    padded.add(Float32Array.from([...logits, ...Array(12).fill(on)]), 1);
    expect(padded.violation()).toBeCloseTo(0.5, 12);
    expect(NestingCounter.forCard(parseModelCard(fixtureCard()))).toBeNull(); // softmax: nothing to count
  });

  it('fails a crafted output whose regions do not nest, and passes one that nests', () => {
    expect(check(evaluateCase(withAgnostic(0.05, 0), ref, DEFAULT_DRIFT_SETTINGS).checks, 'nesting.regions').verdict).toBe('pass');
    const bad = check(evaluateCase(withAgnostic(0.05, 0.3), ref, DEFAULT_DRIFT_SETTINGS).checks, 'nesting.regions');
    expect(bad.verdict).toBe('fail');
    expect(bad.reason).toMatch(/do not nest: 30\.0% of an inner region.*threshold 5\.0%/);
  });
});
