import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { serveCase } from '@/lib/server/serving/serve-case';
import { inCanary, servingPlan } from '@/lib/server/serving/routing';
import { readNifti } from '@/lib/server/imaging/nifti';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

useTestDb();
useTestBlobs();
const MODEL_DIR = process.env.TEST_MODEL_DIR ?? PRODUCTION_MODEL_DIR;

describe('serving', () => {
  let caseId = '';
  let productionId = '';

  it('routes canary traffic deterministically by case id', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `case-${i}`);
    const share = ids.filter((id) => inCanary(id, 20)).length / ids.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    expect(ids.map((id) => inCanary(id, 20))).toEqual(ids.map((id) => inCanary(id, 20)));
    expect(ids.some((id) => inCanary(id, 0))).toBe(false);
    expect(ids.every((id) => inCanary(id, 100))).toBe(true);
  });

  it('segments an ingested real case with the production model and stores one returned prediction', async () => {
    const model = await registerModelVersion(SYSTEM, { ...(await readModelDir(MODEL_DIR)), stage: 'PRODUCTION' });
    productionId = model.id;
    caseId = (await ingestCase(SYSTEM, { caseId: 'TCGA-DU-7294' }, realCaseFiles('TCGA-DU-7294'))).caseId;
    const result = await serveCase(caseId);
    expect(result.predictions).toHaveLength(1);
    const p = await db().prediction.findFirstOrThrow({ where: { caseId } });
    expect(p).toMatchObject({ role: 'PRODUCTION', returned: true, modelVersionId: model.id });
    const mask = readNifti(await blobs().get(p.maskBlobKey));
    expect(mask.dims).toEqual([240, 240, 155]);
    const volumes = p.volumesMl as Record<string, number>;
    expect(volumes.WT).toBeGreaterThan(1); // a real glioma: the model finds tumour
    expect((await db().case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('PREDICTED');
  });

  it('is idempotent: a retried or concurrent job never stores a second prediction', async () => {
    const results = await Promise.allSettled([serveCase(caseId), serveCase(caseId)]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(await db().prediction.count({ where: { caseId } })).toBe(1);
  });

  it('runs a shadow model hidden beside production', async () => {
    const { onnx, card } = await readModelDir(MODEL_DIR);
    const shadow = await registerModelVersion(SYSTEM, { onnx, card: { ...(card as object), version: '1.0.1-shadow' }, stage: 'CANDIDATE' });
    await db().modelVersion.update({ where: { id: shadow.id }, data: { stage: 'SHADOW' } });
    await db().deployment.create({ data: { modelVersionId: shadow.id, mode: 'SHADOW' } });
    expect((await servingPlan('any')).map((t) => t.role)).toEqual(['PRODUCTION', 'SHADOW']);
    const c2 = (await ingestCase(SYSTEM, { caseId: 'TCGA-FG-6692' }, realCaseFiles('TCGA-FG-6692'))).caseId;
    await serveCase(c2);
    const preds = await db().prediction.findMany({ where: { caseId: c2 }, orderBy: { role: 'asc' } });
    expect(preds.map((p) => [p.role, p.returned])).toEqual([
      ['PRODUCTION', true],
      ['SHADOW', false],
    ]);
    expect(preds.find((p) => p.role === 'PRODUCTION')?.modelVersionId).toBe(productionId);
  });
});
