import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { modelCardV1Schema, parseModelCard, upgradeCard } from '@/lib/schemas/model-card';
import { computeDriftReport } from '@/lib/server/drift';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { skullStripCheck } from '@/lib/server/drift/checks/skull-strip';
import { caseSkullStripping } from '@/lib/server/imaging/skull-strip-queries';
import { CasePreprocessing } from '@/components/cases/CasePreprocessing';
import type { CaseMetadataStats } from '@/lib/server/drift/types';
import { fixtureCard } from './card-fixture';
import { createCase, createModelVersion, createPrediction } from './db-fixtures';

useTestDb();
useTestBlobs();

const NOTE = 'skull-stripped by strip.py (SKULL_STRIP_COMMAND) before storing';
const cardV2 = (skullStripping?: string) => {
  const card = upgradeCard(modelCardV1Schema.parse(fixtureCard())) as unknown as { preprocessing: Record<string, unknown> };
  if (skullStripping) card.preprocessing.skullStripping = skullStripping;
  return card;
};
const meta = (stripped: string | null): CaseMetadataStats => ({
  ...{ modalities: ['T1N', 'T1C', 'T2W', 'T2F'], dims: null, spacingMm: null, orientation: null, datatype: null },
  ...{ site: null, manufacturer: null, fieldStrengthT: null },
  skullStripped: { T1N: stripped, T1C: stripped, T2W: stripped, T2F: stripped },
});

async function storedCase(warnings: string[] | undefined) {
  const c = await createCase();
  for (const modality of ['T1N', 'T1C', 'T2W', 'T2F'] as const)
    await db().volume.create({
      data: {
        ...{ caseId: c.id, modality, blobKey: `vol-${modality}-${c.id}`, sha256: 'c'.repeat(64), sizeBytes: 1 },
        ...{ dims: [64, 64, 40], spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] },
        ...{ orientation: 'RAS', datatype: 'float32', warnings },
      },
    });
  return c;
}

describe("the card's skullStripping", () => {
  it('is kept on a card 2, refused when unknown, absent on a card 1', () => {
    expect(parseModelCard(cardV2('required')).preprocessing.skullStripping).toBe('required');
    expect(() => parseModelCard(cardV2('sometimes'))).toThrow(/"skullStripping"[^]*expected one of \\"required\\"\|\\"not-needed\\"/);
    expect(parseModelCard(fixtureCard()).preprocessing.skullStripping).toBeUndefined();
  });
});

describe('the skull-stripping drift check', () => {
  const required = driftReferenceFromCard(cardV2('required'));
  it('fails input not stripped when the model requires it, saying so', () => {
    const c = skullStripCheck(meta(null), required)!;
    expect(c).toMatchObject({ kind: 'skull-stripping', verdict: 'fail', value: 'not stripped: T1N, T1C, T2W, T2F' });
    expect(c.reason).toBe(
      'input not skull-stripped (T1N, T1C, T2W, T2F stored as received: no skull-stripping step was configured, SKULL_STRIP_COMMAND), though model tumorwatch-seg 1.0.0 requires skull-stripped input; its segmentation of a whole head is unvalidated',
    );
  });

  it('passes stripped input, and is absent for a model that does not need stripping', () => {
    expect(skullStripCheck(meta('strip.py'), required)).toMatchObject({ verdict: 'pass', value: 'stripped by strip.py' });
    expect(skullStripCheck(meta(null), driftReferenceFromCard(fixtureCard()))).toBeNull();
    expect(skullStripCheck(meta(null), driftReferenceFromCard(cardV2('not-needed')))).toBeNull();
  });

  it('makes an unstripped case a drifter in the stored report, and passes a stripped one', async () => {
    const mv = await createModelVersion(cardV2('required'));
    for (const [warnings, verdict] of [
      [undefined, 'fail'],
      [[NOTE], 'pass'],
    ] as const) {
      const c = await storedCase(warnings ? [...warnings] : undefined);
      const p = await createPrediction(c.id, mv.id);
      const report = await computeDriftReport({ caseId: c.id, predictionId: p.id, volumes: {}, mask: new Uint8Array(0) });
      expect(report.checks.find((x) => x.kind === 'skull-stripping')?.verdict).toBe(verdict);
      expect(report.reasons.some((r) => r.startsWith('input not skull-stripped'))).toBe(verdict === 'fail');
    }
  });
});

describe('the case page', () => {
  it('says prominently that the production model requires stripping none was configured for', async () => {
    const c = await storedCase(undefined);
    const s = await caseSkullStripping(c.id);
    expect(s).toMatchObject({ configured: null, requiredBy: expect.stringMatching(/^tumorwatch-seg 1\.0\.\d+$/) });
    const html = renderToStaticMarkup(createElement(CasePreprocessing, { registrations: [], skullStrip: s }));
    expect(html).toContain('Skull-stripping: none configured (volumes are used as received).');
    expect(html).toMatch(/role="alert".*requires skull-stripped input, but T1N, T1C, T2W, T2F were not skull-stripped/);
    expect(html).toContain('set SKULL_STRIP_COMMAND');
  });

  it('names the tool on a stripped case, without the alert', async () => {
    const c = await storedCase([NOTE]);
    const html = renderToStaticMarkup(createElement(CasePreprocessing, { registrations: [], skullStrip: await caseSkullStripping(c.id) }));
    expect(html).toContain('Skull-stripping: every sequence stripped by strip.py before storing.');
    expect(html).not.toContain('role="alert"');
  });
});
