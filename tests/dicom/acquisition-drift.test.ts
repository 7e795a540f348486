/**
 * DICOM metadata reaches the drift report through ingestion: a study written from the real GE series (its TR/TE/TI,
 * slice thickness, scanner model and software version in the headers) is ingested, and the stored report compares
 * each sequence's sidecar with the model card's reference acquisition, with readable reasons.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { ingestDicomFiles } from '@/lib/server/dicom/ingest';
import { computeDriftReport } from '@/lib/server/drift';
import { modelCardV1Schema, upgradeCard } from '@/lib/schemas/model-card';
import { createModelVersion, createPrediction } from '../drift/db-fixtures';
import { fixtureCard } from '../drift/card-fixture';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-acq-drift-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function card() {
  const c = upgradeCard(modelCardV1Schema.parse(fixtureCard())) as unknown as { reference: { imageMetadata: Record<string, unknown> } };
  c.reference.imageMetadata.acquisition = {
    scannerModels: ['SIGNA Premier', 'Discovery MR750'],
    sequences: { T1C: { echoTimeMs: [2.8, 4.1], inversionTimeMs: [900, 1100] }, T2W: { echoTimeMs: [80, 120] } },
  };
  return c;
}

describe('the drift report of an ingested DICOM study', () => {
  it('compares the sidecars of its sequences with the reference acquisition', { timeout: 120_000 }, async () => {
    const files = writeStudy(dir, 41, FOUR_SEQUENCES, { slices: 10 });
    const r = await ingestDicomFiles(SYSTEM, files, { source: 'upload' });
    expect(r.studies[0].status).toBe('created');
    const c = await db().case.findFirstOrThrow();
    const p = await createPrediction(c.id, (await createModelVersion(card())).id);
    const report = await computeDriftReport({ caseId: c.id, predictionId: p.id, volumes: {}, mask: new Uint8Array(0) });
    const check = (kind: string) => report.checks.find((x) => x.kind === kind);

    expect(check('acquisition-T1C')).toMatchObject({
      verdict: 'pass',
      value: 'TR 2218 ms, TE 3.17 ms, TI 1000 ms, slice thickness 1.2 mm',
    });
    expect(check('acquisition-T2W')).toMatchObject({ verdict: 'warn', reason: 'T2W TE 3.17 ms is outside the 80-120 ms the model saw' });
    expect(check('acquisition-T1N')).toMatchObject({ verdict: 'info', reference: expect.stringMatching(/^not checked: /) });
    expect(check('scanner-model')?.reason).toBe('scanner model SIGNA Pioneer: the model saw SIGNA Premier, Discovery MR750');
    expect(check('software-version')).toMatchObject({
      verdict: 'info',
      reference: "not checked: the model's reference records no software versions",
    });
    expect(check('contrast-agent')).toMatchObject({ verdict: 'info', reference: 'contrast agent not given' });
    expect(report.reasons).toEqual(
      expect.arrayContaining([
        'T2W TE 3.17 ms is outside the 80-120 ms the model saw',
        'scanner model SIGNA Pioneer: the model saw SIGNA Premier, Discovery MR750',
      ]),
    );
  });
});
