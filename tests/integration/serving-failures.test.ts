import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { db } from '@/lib/server/db';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { blobKeyForSha256 } from '@/lib/server/storage';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { serveCase } from '@/lib/server/serving/serve-case';
import { deploymentReport } from '@/lib/server/registry/monitoring';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';
import { AUDIT } from '@/lib/server/audit';

/**
 * What clinicians see survives the models beside production: a canary or shadow model that fails is recorded and
 * skipped, production answers for a failed canary, and a retry under a changed plan shows exactly one mask.
 */
useTestDb();
useTestBlobs();
const MODEL_DIR = process.env.TEST_MODEL_DIR ?? PRODUCTION_MODEL_DIR;

let production: { id: string; card: unknown };
beforeAll(async () => {
  production = await registerModelVersion(SYSTEM, { ...(await readModelDir(MODEL_DIR)), stage: 'PRODUCTION' });
});

let n = 0;
const newCase = async () => (await ingestCase(SYSTEM, { caseId: `SRV-FAIL-${n++}` }, realCaseFiles('TCGA-DU-7294'))).caseId;
const predictionsOf = async (caseId: string) =>
  (await db().prediction.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } })).map((p) => ({
    model: p.modelVersionId,
    role: p.role,
    returned: p.returned,
  }));

/** A deployed model whose ONNX blob is gone: loading it fails, as a corrupt or unreadable artefact would. */
async function brokenDeployment(version: string, mode: 'SHADOW' | 'CANARY', trafficPercent = 0) {
  const m = await db().modelVersion.create({
    data: {
      name: 'tumorwatch-seg',
      version,
      blobKey: blobKeyForSha256('f'.repeat(63) + String(n % 10)),
      sha256: `broken-${version}`,
      card: production.card as object,
      stage: mode,
    },
  });
  const d = await db().deployment.create({ data: { modelVersionId: m.id, mode, trafficPercent } });
  return { model: m, deployment: d };
}

describe('serving when the models beside production fail', () => {
  /** One case served beside a deployed model that fails: production must answer it, and the failure is on record. */
  async function servedBesideBroken(version: string, mode: 'SHADOW' | 'CANARY', trafficPercent = 0) {
    const { model, deployment } = await brokenDeployment(version, mode, trafficPercent);
    const caseId = await newCase();
    await serveCase(caseId);
    expect(await predictionsOf(caseId)).toEqual([{ model: production.id, role: 'PRODUCTION', returned: true }]);
    expect((await db().case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('PREDICTED');
    const failed = await db().auditEvent.findFirstOrThrow({
      where: { entityType: 'ModelVersion', entityId: model.id, action: AUDIT.predictionFailed },
    });
    expect((await deploymentReport(model.id, mode, 0.8)).failedCases).toBe(1);
    // A retry that fails again is one more attempt on the same case, not one more failed case.
    await serveCase(caseId);
    expect(
      await db().servingFailure.findMany({ where: { modelVersionId: model.id }, select: { caseId: true, role: true, attempts: true } }),
    ).toEqual([{ caseId, role: mode, attempts: 2 }]);
    expect((await deploymentReport(model.id, mode, 0.8)).failedCases).toBe(1);
    await db().deployment.update({ where: { id: deployment.id }, data: { endedAt: new Date() } });
    return { caseId, failed: failed.data };
  }

  it('a failing shadow model neither fails the case nor hides the production mask; the failure is recorded', async () => {
    const { caseId, failed } = await servedBesideBroken('9.0.0-broken-shadow', 'SHADOW');
    expect(failed).toMatchObject({ role: 'SHADOW', caseId, returned: false });
  });

  it('production answers the case a failing canary should have answered', async () => {
    const { caseId, failed } = await servedBesideBroken('9.1.0-broken-canary', 'CANARY', 100);
    expect(failed).toMatchObject({ role: 'CANARY', caseId, returned: true });
    expect(await db().auditEvent.count({ where: { entityId: caseId, action: AUDIT.predictionShown } })).toBe(1);
  });

  it('a retry after the canary was rolled back shows production, not nothing', async () => {
    const caseId = await newCase();
    await serveCase(caseId);
    // what a crashed attempt leaves when a canary was to answer: production's mask stored hidden, the canary's not yet
    // stored; the canary has been rolled back since, so the retry's plan has production answer
    await db().prediction.updateMany({ where: { caseId }, data: { returned: false } });
    await serveCase(caseId);
    expect(await predictionsOf(caseId)).toEqual([{ model: production.id, role: 'PRODUCTION', returned: true }]);
  });

  it('a retry after a new production was promoted shows only the new production mask', async () => {
    const caseId = await newCase();
    await serveCase(caseId);
    const { onnx, card } = await readModelDir(MODEL_DIR);
    const next = await registerModelVersion(SYSTEM, { onnx, card: { ...(card as object), version: '2.0.0-next' }, stage: 'CANDIDATE' });
    await db().modelVersion.update({ where: { id: production.id }, data: { stage: 'ARCHIVED' } });
    await db().modelVersion.update({ where: { id: next.id }, data: { stage: 'PRODUCTION', stageChangedAt: new Date() } });
    await serveCase(caseId);
    expect(await predictionsOf(caseId)).toEqual([
      { model: production.id, role: 'PRODUCTION', returned: false },
      { model: next.id, role: 'PRODUCTION', returned: true },
    ]);
    const shown = await db().auditEvent.findFirstOrThrow({ where: { entityId: caseId, action: AUDIT.predictionShown } });
    expect(shown.data).toMatchObject({ hidden: [expect.any(String)] });
  });
});
