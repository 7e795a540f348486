import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { serveCase } from '@/lib/server/serving/serve-case';
import { PRODUCTION_MODEL_DIR } from '@/prisma/seed-model';

/** A fresh install: cases sent before any model is in production wait for the first one, which serves them. */
useTestDb();
useTestBlobs();

describe('cases that arrive before any production model', () => {
  it('wait, and the first production model enqueues and serves them', async () => {
    const { caseId } = await ingestCase(SYSTEM, { caseId: 'EARLY-1' }, realCaseFiles('TCGA-FG-6692'));
    expect(await serveCase(caseId)).toEqual({ caseId, predictions: [] }); // the job's first run: nobody to serve it
    expect((await db().case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('RECEIVED');

    const model = await registerModelVersion(SYSTEM, {
      ...(await readModelDir(process.env.TEST_MODEL_DIR ?? PRODUCTION_MODEL_DIR)),
      stage: 'PRODUCTION',
    });
    const job = await db().job.findFirstOrThrow({ where: { name: 'serving.case', idempotencyKey: `serving.case:${caseId}:${model.id}` } });
    expect(job.status).toBe('QUEUED');
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: model.id, action: AUDIT.modelRegister } });
    expect(audit.data).toMatchObject({ waitingCases: 1 });

    await serveCase(caseId); // what that job runs
    expect(await db().prediction.findMany({ where: { caseId }, select: { modelVersionId: true, returned: true } })).toEqual([
      { modelVersionId: model.id, returned: true },
    ]);
    expect((await db().case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('PREDICTED');
  });
});
