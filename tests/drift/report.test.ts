import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles, REAL_DIR } from '../support/real-data';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { computeDriftReport, getCaseDriftReport, DRIFT_SETTINGS_KEY } from '@/lib/server/drift';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { createCase, createModelVersion, createPrediction } from './db-fixtures';

useTestDb();
useTestBlobs();

/** JSON as stored (SQLite keeps 15 significant digits of a number in a JSON column), rounded to 12 digits. */
const stored = (x: unknown) => JSON.parse(JSON.stringify(x), (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));

async function storedCase() {
  // the reference mask (fusion of five algorithms) stands in for the predicted mask
  const r = await ingestCase(
    SYSTEM,
    { caseId: 'DRIFT-REAL-1', site: 'TCIA', scannerManufacturer: 'Siemens', maskLabelMap: 'brats2020' },
    realCaseFiles('TCGA-DU-7294', true),
  );
  const mask = await db().referenceMask.findUniqueOrThrow({ where: { caseId: r.caseId } });
  const mv = await createModelVersion();
  const p = await createPrediction(r.caseId, mv.id, { volumesMl: { NCR: 12, ED: 50, ET: 41, TC: 53, WT: 103 }, maskBlobKey: mask.blobKey });
  return { caseId: r.caseId, predictionId: p.id };
}

describe('computeDriftReport', () => {
  it('reads the stored volumes, runs every check family and writes the report with an audit event', async () => {
    const ids = await storedCase();
    const report = await computeDriftReport(ids);
    const kinds = report.checks.map((c) => c.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'modalities',
        'spacing',
        'intensity.T1C.median',
        'intensity.T1C.shape',
        'features.mahalanobis',
        'volume.ET',
        'components.WT',
      ]),
    );
    // statistics computed from the blobs as numpy does on the files (tests/drift/intensity.test.ts)
    expect(report.checks.find((c) => c.kind === 'intensity.T1C.median')!.value).toBe(351);
    expect(report.checks.find((c) => c.kind === 'spacing')!.verdict).toBe('pass');
    // lesions read from the mask blob: one whole-tumour component (cc3d, 26-connectivity: 24188 voxels)
    expect(report.checks.find((c) => c.kind === 'lesions')).toMatchObject({ value: 1, verdict: 'pass' });
    expect(report.isDrifter).toBe(true);
    expect(report.reasons).toContain('enhancing tumour volume 41.0 mL, above the 99th percentile of training cases (19.8 mL)');
    expect(report.timingsMs.readMs).toBeGreaterThan(0);
    const row = await db().driftReport.findUniqueOrThrow({ where: { predictionId: ids.predictionId } });
    expect(row).toMatchObject({ caseId: ids.caseId, isDrifter: true, score: report.score });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: ids.caseId, action: AUDIT.driftReport } });
    expect(audit.actorKind).toBe('worker');
    expect(audit.data).toMatchObject({ driftReportId: row.id, isDrifter: true });
    expect(await getCaseDriftReport(ids.caseId)).toMatchObject({ id: row.id, isDrifter: true, reasons: report.reasons });
  });

  it('is idempotent (a retried job rewrites the same row) and gives the same checks from volumes passed in', async () => {
    const ids = await db().prediction.findFirstOrThrow({ select: { id: true, caseId: true } });
    const before = await db().driftReport.findUniqueOrThrow({ where: { predictionId: ids.id } });
    const files = { T1N: 't1', T1C: 't1c', T2W: 't2', T2F: 'flair' } as const;
    const volumes = Object.fromEntries(
      await Promise.all(
        Object.entries(files).map(async ([m, f]) => [m, await readNiftiFile(path.join(REAL_DIR, 'TCGA-DU-7294/images', `${f}.nii.gz`))]),
      ),
    );
    const again = await computeDriftReport({ caseId: ids.caseId, predictionId: ids.id, volumes });
    expect(again.id).toBe(before.id);
    expect(again.timingsMs.readMs).toBe(0);
    expect(stored(again.checks)).toEqual(stored(before.checks));
    expect(await db().driftReport.count({ where: { predictionId: ids.id } })).toBe(1);
    expect(await db().auditEvent.count({ where: { entityId: ids.caseId, action: AUDIT.driftReport } })).toBe(2);
  });

  it('applies thresholds from the drift.settings Setting', async () => {
    const ids = await db().prediction.findFirstOrThrow({ select: { id: true, caseId: true } });
    await db().setting.create({
      data: { key: DRIFT_SETTINGS_KEY, value: { failScore: 100, spacingTolerance: 100, shapeDistanceThreshold: 100 } },
    });
    try {
      const lenient = await computeDriftReport({ caseId: ids.caseId, predictionId: ids.id });
      expect(lenient.isDrifter).toBe(false);
      expect(lenient.reasons).toEqual([]);
    } finally {
      await db().setting.delete({ where: { key: DRIFT_SETTINGS_KEY } });
    }
  });

  it('refuses a prediction that belongs to another case', async () => {
    const p = await db().prediction.findFirstOrThrow();
    const other = await createCase();
    await expect(computeDriftReport({ caseId: other.id, predictionId: p.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
