/**
 * A case whose input arrived already skull-stripped (the real BraTS-style cases) is said to be so, on its volumes, on
 * the case page and in the drift report's skull-stripping check, instead of "not stripped"; a real unstripped head
 * (the GE MP-RAGE series converted by dcm2niix) is still reported unstripped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { REAL_CASES, realCaseFiles } from '../support/real-data';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestCase } from '@/lib/server/cases/ingest';
import { computeDriftReport } from '@/lib/server/drift';
import { modelCardV1Schema, upgradeCard } from '@/lib/schemas/model-card';
import { readNifti } from '@/lib/server/imaging/nifti';
import { MAX_BRAIN_ML, MIN_ZERO_FRACTION, strippedEvidence } from '@/lib/server/imaging/already-stripped';
import { caseSkullStripping } from '@/lib/server/imaging/skull-strip-queries';
import { CasePreprocessing } from '@/components/cases/CasePreprocessing';
import { fixtureCard } from '../drift/card-fixture';
import { createModelVersion, createPrediction } from '../drift/db-fixtures';

useTestDb();
useTestBlobs();

const GE_DICOM = path.resolve(__dirname, '../../../shared/data/dicom/ge-3d-t1-mprage/dicom');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-already-stripped-'));
let geHead: Uint8Array;
beforeAll(() => {
  execFileSync(path.resolve('.venv/bin/dcm2niix'), ['-z', 'y', '-f', 'ge', '-o', dir, GE_DICOM], { stdio: 'ignore' });
  geHead = new Uint8Array(fs.readFileSync(path.join(dir, 'ge.nii.gz')));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const requiredCard = () => {
  const card = upgradeCard(modelCardV1Schema.parse(fixtureCard())) as unknown as { preprocessing: Record<string, unknown> };
  card.preprocessing.skullStripping = 'required';
  return card;
};

describe('detecting input that arrived skull-stripped', () => {
  it('recognises every sequence of the real BraTS-style cases', () => {
    for (const id of REAL_CASES)
      for (const f of realCaseFiles(id)) {
        const e = strippedEvidence(readNifti(f.bytes));
        expect(e.stripped, `${id} ${f.filename}`).toBe(true);
        expect(e.zeroFraction).toBeGreaterThan(0.8);
        expect(e.nonZeroMl).toBeGreaterThan(1000);
        expect(e.nonZeroMl).toBeLessThan(1700);
      }
  });

  it('does not take a real unstripped head for stripped, even with its background zeroed', () => {
    const head = readNifti(geHead);
    const e = strippedEvidence(head);
    expect(e).toMatchObject({ stripped: false });
    expect(e.nonZeroMl).toBeGreaterThan(MAX_BRAIN_ML); // the whole head with scalp and skull
    // a pipeline that zeroed the dark background leaves mostly zeros, but still a head's volume
    const sorted = Float64Array.from(head.data).sort();
    const floor = sorted[Math.floor(sorted.length * 0.7)];
    const zeroed = { ...head, data: Float32Array.from(head.data, (v) => (v < floor ? 0 : v)) };
    const z = strippedEvidence(zeroed);
    expect(z.zeroFraction).toBeGreaterThan(MIN_ZERO_FRACTION);
    expect(z.stripped).toBe(false);
  });
});

describe('a case ingested without a skull-stripping step', () => {
  it('records stripped input on each volume, and the case page and the drift check agree', { timeout: 120_000 }, async () => {
    const mv = await createModelVersion(requiredCard());
    const r = await ingestCase(SYSTEM, { caseId: 'ARRIVED-STRIPPED' }, realCaseFiles('TCGA-DU-7294'));
    const volumes = await db().volume.findMany({ where: { caseId: r.caseId } });
    for (const v of volumes)
      expect(v.warnings).toEqual([
        expect.stringMatching(/^input already skull-stripped \(86% of voxels exactly 0 around a 1246 mL brain\)/),
      ]);

    const html = renderToStaticMarkup(
      createElement(CasePreprocessing, { registrations: [], skullStrip: await caseSkullStripping(r.caseId) }),
    );
    expect(html).toContain('Skull-stripping: input already skull-stripped');
    expect(html).not.toContain('role="alert"');

    const p = await createPrediction(r.caseId, mv.id);
    const report = await computeDriftReport({ caseId: r.caseId, predictionId: p.id, volumes: {}, mask: new Uint8Array(0) });
    expect(report.checks.find((c) => c.kind === 'skull-stripping')).toMatchObject({
      verdict: 'pass',
      value: 'input already skull-stripped',
    });
  });

  it('still reports a real unstripped head as not stripped, with the alert', { timeout: 120_000 }, async () => {
    const mv = await createModelVersion(requiredCard());
    const files = ['t1n', 't1c', 't2w', 't2f'].map((field) => ({ field, filename: `${field}.nii.gz`, bytes: geHead }));
    const r = await ingestCase(SYSTEM, { caseId: 'WHOLE-HEAD' }, files);
    for (const v of await db().volume.findMany({ where: { caseId: r.caseId } })) expect(v.warnings).toBeNull();
    const html = renderToStaticMarkup(
      createElement(CasePreprocessing, { registrations: [], skullStrip: await caseSkullStripping(r.caseId) }),
    );
    expect(html).toContain('Skull-stripping: none configured');
    expect(html).toMatch(/role="alert".*requires skull-stripped input/);
    const p = await createPrediction(r.caseId, mv.id);
    const report = await computeDriftReport({ caseId: r.caseId, predictionId: p.id, volumes: {}, mask: new Uint8Array(0) });
    expect(report.checks.find((c) => c.kind === 'skull-stripping')).toMatchObject({
      verdict: 'fail',
      value: 'not stripped: T1N, T1C, T2W, T2F',
    });
  });
});
