/**
 * model:calibrate end to end: the committed production model registered as production, a hospital's reference
 * dataset of synthetic cases in the database, the real pipeline over them, a ModelCalibration row with its audit
 * event; then a served case's drift report runs the flip test-time augmentation against that reference.
 */
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { storeVolumes } from '../support/case-rows';
import { db } from '@/lib/server/db';
import { SYSTEM, type Actor } from '@/lib/server/auth/actor';
import { AUDIT } from '@/lib/server/audit';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { calibrateModel, getDriftReferenceInfo } from '@/lib/server/registry/calibration';
import { computeDriftReport } from '@/lib/server/drift';
import { parseModelCard } from '@/lib/schemas/model-card';
import { serveCase } from '@/lib/server/serving/serve-case';
import type { CheckResult } from '@/lib/server/drift/types';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

useTestDb();
useTestBlobs();

const GRID = { dims: [96, 96, 64] as [number, number, number], spacing: [2, 2, 2] as [number, number, number] };

async function syntheticCase(id: string, shifts: string[] = []): Promise<string> {
  const g = generateCase({ caseId: id, seed: 'calibrate-test', domain: 'A', grid: GRID, shifts });
  const c = await db().case.create({ data: { externalId: id, status: 'RECEIVED' } });
  await storeVolumes(c.id, { dims: g.dims, affine: [...g.affine], spacing: g.spacing }, (m) => g.images[m]!);
  return c.id;
}

describe('model:calibrate', () => {
  let model = '';
  let versionId = '';
  let ml: Actor = SYSTEM;
  let refIds: string[] = [];

  it('refuses bad requests by name and stores nothing', async () => {
    const mv = await registerModelVersion(SYSTEM, { ...(await readModelDir(PRODUCTION_MODEL_DIR)), stage: 'PRODUCTION' });
    versionId = mv.id;
    model = `${mv.name}@${mv.version}`;
    const u = await db().user.create({ data: { email: 'ml@test', name: 'ML', role: 'ML_ENGINEER', passwordHash: 'x' } });
    ml = { kind: 'user', id: u.id, email: u.email, name: u.name, role: 'ML_ENGINEER' };
    const phys = await db().user.create({ data: { email: 'p@test', name: 'P', role: 'PHYSICIAN', passwordHash: 'x' } });
    refIds = [await syntheticCase('REF-1'), await syntheticCase('REF-2'), await syntheticCase('REF-3')];
    const ds = await db().dataset.create({ data: { name: 'hospital-reference', kind: 'TRAIN' } });
    await db().datasetMember.createMany({ data: refIds.map((caseId) => ({ datasetId: ds.id, caseId })) });

    await expect(calibrateModel({ model: 'nope@1.0.0', dataset: 'hospital-reference', actor: ml })).rejects.toThrow(
      /model nope@1.0.0 is not registered/,
    );
    await expect(calibrateModel({ model, dataset: 'no-such-set', actor: ml })).rejects.toThrow(/dataset no-such-set does not exist/);
    await expect(calibrateModel({ model, caseIds: ['missing-case'], actor: ml })).rejects.toThrow(/case missing-case does not exist/);
    await expect(calibrateModel({ model, dataset: 'hospital-reference', caseIds: refIds, actor: ml })).rejects.toThrow(/exactly one/);
    await expect(calibrateModel({ model, caseIds: refIds.slice(0, 2), actor: ml })).rejects.toThrow(/at least 3 reference cases, got 2/);
    const physician: Actor = { kind: 'user', id: phys.id, email: 'p@test', name: 'P', role: 'PHYSICIAN' };
    await expect(calibrateModel({ model, dataset: 'hospital-reference', actor: physician })).rejects.toThrow(/does not allow/);
    expect(await db().modelCalibration.count()).toBe(0);
  });

  it('runs the model over the reference dataset and stores an audited calibration, the registered card untouched', async () => {
    const before = await db().modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    expect(await getDriftReferenceInfo(versionId, before.card)).toMatchObject({ source: 'trainer', train: 48 });
    const r = await calibrateModel({ model, dataset: 'hospital-reference', actor: ml });
    expect(r).toMatchObject({ model, cases: 3, labelledCases: 0, flips: [[0]] });
    const row = await db().modelCalibration.findUniqueOrThrow({ where: { id: r.calibrationId } });
    expect(row).toMatchObject({ modelVersionId: versionId, datasetName: 'hospital-reference', cases: 3, createdBy: 'ml@test' });
    expect(row.caseIds).toEqual([...refIds].sort());
    const ref = row.reference as { agnostic: { ttaDisagreement: { values: number[] } }; features: { n: number; dim: number } };
    expect(ref.features).toMatchObject({ n: 3, dim: 64 });
    expect(ref.agnostic.ttaDisagreement.values.every((v) => v >= 0 && v <= 1)).toBe(true);
    const after = await db().modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    expect(after.card).toEqual(before.card);
    expect(after.sha256).toBe(before.sha256);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.modelCalibrate } });
    expect(audit).toMatchObject({ entityId: versionId, actorId: ml.kind === 'user' ? ml.id : null });
    expect(audit.data).toMatchObject({ calibrationId: r.calibrationId, cases: 3, parts: expect.arrayContaining(['agnostic', 'features']) });
    const info = await getDriftReferenceInfo(versionId, after.card);
    expect(info).toMatchObject({ source: 'calibration', current: { datasetName: 'hospital-reference', cases: 3, createdBy: 'ml@test' } });
  }, 240_000);

  it("a served case's drift report then runs the flips against the calibrated reference", async () => {
    const caseId = await syntheticCase('SERVED-1');
    await serveCase(caseId);
    const report = await db().driftReport.findFirstOrThrow({ where: { caseId } });
    const checks = report.checks as unknown as CheckResult[];
    const tta = checks.find((c) => c.kind === 'tta.disagreement')!;
    expect(tta.verdict === 'pass' || tta.verdict === 'fail').toBe(true);
    expect(typeof tta.value).toBe('number');
    expect(tta.reference).toMatchObject({ population: 'reference cases' });
    expect(checks.find((c) => c.kind === 'nesting.regions')?.verdict).toBe('info'); // softmax labels nest
    expect(checks.some((c) => c.verdict === 'skipped')).toBe(false);
  }, 120_000);

  it('an uncalibrated model (card reference null) registers, and its drift report shows the checks it cannot run as skipped', async () => {
    const { onnx, card } = await readModelDir(PRODUCTION_MODEL_DIR);
    const v2 = { ...JSON.parse(JSON.stringify(parseModelCard(card))), version: '1.0.0-imported', reference: null };
    const mv = await registerModelVersion(SYSTEM, { onnx, card: v2, stage: 'CANDIDATE' });
    expect(await getDriftReferenceInfo(mv.id, mv.card)).toEqual({
      source: 'uncalibrated',
      missing: ['intensity', 'imageMetadata', 'features', 'volumes'],
    });
    const served = await db().prediction.findFirstOrThrow({ where: { role: 'PRODUCTION' } });
    const p = await db().prediction.create({
      data: { ...served, id: undefined, modelVersionId: mv.id, role: 'SHADOW', returned: false, createdAt: undefined } as never,
    });
    const report = await computeDriftReport({ caseId: served.caseId, predictionId: p.id });
    const skipped = report.checks.filter((c) => c.verdict === 'skipped');
    expect(skipped.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['features.mahalanobis', 'volume.WT', 'tta.disagreement', 'spacing']),
    );
    expect(skipped.every((c) => String(c.reference).startsWith('not calibrated: run npm run model:calibrate'))).toBe(true);
    expect(report.isDrifter).toBe(false);
    expect(report.timingsMs.ttaMs).toBe(0); // nothing to compare a flip with: no extra inference
  }, 60_000);
});
