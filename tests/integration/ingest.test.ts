import { describe, expect, it, vi } from 'vitest';
import zlib from 'node:zlib';
import { useTestDb } from '../support/use-db';
import { useTestBlobs, listBlobFiles } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { blobs } from '@/lib/server/blobs';
import { ingestCase } from '@/lib/server/cases/ingest';
import { SYSTEM } from '@/lib/server/auth/actor';
import { AppError } from '@/lib/server/errors';
import { resetEnvCache } from '@/lib/server/env';
import { writeNifti } from '@/lib/server/imaging/nifti';

useTestDb();
const blobRoot = useTestBlobs();
const CASE = 'TCGA-DU-7294';

async function counts() {
  return {
    cases: await db().case.count(),
    volumes: await db().volume.count(),
    jobs: await db().job.count(),
    blobs: listBlobFiles(blobRoot.root!).length,
  };
}

async function expectRefused(promise: Promise<unknown>, status: number, message: RegExp) {
  const err = await promise.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(status);
  expect((err as AppError).userMessage).toMatch(message);
}

describe('case ingestion service', () => {
  it('refuses malformed input with a clear error and stores nothing', async () => {
    const good = realCaseFiles(CASE);
    const before = await counts();
    const truncated = zlib.gzipSync(zlib.gunzipSync(good[0].bytes).subarray(0, 100_000));
    await expectRefused(ingestCase(SYSTEM, { caseId: 'BAD-1' }, [{ ...good[0], bytes: truncated }, ...good.slice(1)]), 422, /t1\.nii\.gz/);
    await expectRefused(ingestCase(SYSTEM, { caseId: 'BAD-2' }, good.slice(0, 3)), 400, /missing required modality T2F/);
    await expectRefused(ingestCase(SYSTEM, { caseId: 'BAD-3' }, [...good, { ...good[0], field: 't1n' }]), 400, /duplicated modality T1N/);
    await expectRefused(ingestCase(SYSTEM, { caseId: 'bad id with spaces' }, good), 400, /metadata: caseId/);
    await expectRefused(
      ingestCase(SYSTEM, { caseId: 'BAD-4' }, [{ ...good[0], bytes: new TextEncoder().encode('not a nifti') }, ...good.slice(1)]),
      415,
      /t1\.nii\.gz/,
    );
    expect(await counts()).toEqual(before);
  });

  it('stores a valid case with its volumes, blobs, audit event and serving job', async () => {
    const r = await ingestCase(SYSTEM, { caseId: CASE, site: 'TCIA' }, realCaseFiles(CASE, true));
    expect(r.created).toBe(true);
    const c = await db().case.findUniqueOrThrow({ where: { id: r.caseId }, include: { volumes: true, referenceMask: true } });
    expect(c.volumes.map((v) => v.modality).sort()).toEqual(['T1C', 'T1N', 'T2F', 'T2W']);
    expect(c.volumes[0].dims).toEqual([240, 240, 155]);
    for (const v of c.volumes) expect(await blobs().exists(v.blobKey)).toBe(true);
    expect(c.referenceMask).not.toBeNull();
    expect(await db().auditEvent.count({ where: { entityId: r.caseId, action: AUDIT.caseIngest } })).toBe(1);
    expect(await db().job.count({ where: { name: 'serving.case', idempotencyKey: `serving.case:${r.caseId}` } })).toBe(1);
  });

  it('treats the same files for the same case id as a no-op, and different files as a conflict', async () => {
    const before = await counts();
    const again = await ingestCase(SYSTEM, { caseId: CASE, site: 'TCIA' }, realCaseFiles(CASE, true));
    expect(again.created).toBe(false);
    expect(await counts()).toEqual(before);
    await expectRefused(ingestCase(SYSTEM, { caseId: CASE }, realCaseFiles('TCGA-FG-6692')), 409, /already exists with different files/);
  });

  it('the same case uploaded twice at once: both answer with the one stored case (no error for the loser)', async () => {
    const results = await Promise.all([0, 1].map(() => ingestCase(SYSTEM, { caseId: 'TWICE-1' }, realCaseFiles('TCGA-FG-6692'))));
    expect(new Set(results.map((r) => r.caseId)).size).toBe(1);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await db().case.count({ where: { externalId: 'TWICE-1' } })).toBe(1);
  });

  it('answers 503 with Retry-After when the queue is over its limit, storing nothing', async () => {
    process.env.QUEUE_LIMIT = '1';
    resetEnvCache();
    try {
      const before = await counts();
      const err = await ingestCase(SYSTEM, { caseId: 'FULL-1' }, realCaseFiles('TCGA-FG-6692')).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(503);
      expect(err.details.retryAfterS).toBeGreaterThan(0);
      expect(await counts()).toEqual(before);
    } finally {
      delete process.env.QUEUE_LIMIT;
      resetEnvCache();
    }
  });

  it('admits concurrent uploads atomically: 20 at once with QUEUE_LIMIT=10 create exactly 10 cases', async () => {
    await db().job.updateMany({ where: { status: { in: ['QUEUED', 'RUNNING'] } }, data: { status: 'SUCCEEDED' } });
    process.env.QUEUE_LIMIT = '10';
    resetEnvCache();
    try {
      const image = {
        dims: [12, 10, 8] as [number, number, number],
        affine: [-2, 0, 0, 11, 0, -2, 0, 9, 0, 0, 2, -4, 0, 0, 0, 1],
        data: new Int16Array(960).map((_, i) => i % 300),
      };
      const bytes = writeNifti(image);
      const files = ['t1n', 't1c', 't2w', 't2f'].map((field) => ({ field, filename: `${field}.nii`, bytes }));
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ingestCase(SYSTEM, { caseId: `RUSH-${i}` }, files)));
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(refused.every((e) => e instanceof AppError && e.status === 503)).toBe(true);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      expect(await db().case.count({ where: { externalId: { startsWith: 'RUSH-' } } })).toBe(10);
      expect(await db().job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })).toBe(10);
    } finally {
      delete process.env.QUEUE_LIMIT;
      resetEnvCache();
    }
  });

  it('stores modality names and hashes, never the uploaded file names (they can carry a patient name)', async () => {
    const files = realCaseFiles('TCGA-FG-6692').map((f, i) => ({ ...f, filename: `DOE_JOHN_19630411_${i}.nii.gz` }));
    const r = await ingestCase(SYSTEM, { caseId: 'NAMES-1' }, files);
    const c = await db().case.findUniqueOrThrow({ where: { id: r.caseId }, include: { volumes: true } });
    expect(JSON.stringify(c)).not.toContain('DOE_JOHN');
    expect(await db().auditEvent.count({ where: { entityId: r.caseId } })).toBeGreaterThan(0);
    for (const e of await db().auditEvent.findMany({ where: { entityId: r.caseId } }))
      expect(JSON.stringify(e.data)).not.toContain('DOE_JOHN');
    const stored = (c.metadata as { files: { modality: string }[] }).files;
    const byModality = <T extends { modality: string }>(xs: T[]) => [...xs].sort((a, b) => a.modality.localeCompare(b.modality));
    expect(byModality(stored)).toEqual(byModality(c.volumes.map((v) => ({ modality: v.modality, sha256: v.sha256 }))));
  });

  it('a mask label its convention defines but the product cannot represent (BraTS 2024 resection cavity) is a clear 422', async () => {
    const before = await counts();
    // the reference mask uses labels 1, 2 and 4; in BraTS 2024, 4 is the resection cavity
    await expectRefused(
      ingestCase(SYSTEM, { caseId: 'RC-1', maskLabelMap: 'brats2024' }, realCaseFiles('TCGA-FG-6692', true)),
      422,
      /4 \(RC\).*no equivalent/,
    );
    expect(await counts()).toEqual(before);
  });

  it('a crash between the blob writes and the database commit leaves no row pointing at a missing blob', async () => {
    const spy = vi.spyOn(db(), '$transaction').mockRejectedValueOnce(new Error('simulated crash before commit'));
    await expect(ingestCase(SYSTEM, { caseId: 'CRASH-1' }, realCaseFiles('TCGA-FG-6692'))).rejects.toThrow('simulated crash');
    spy.mockRestore();
    expect(await db().case.findUnique({ where: { externalId: 'CRASH-1' } })).toBeNull();
    // Every row that references a blob can read it: orphans blobs are allowed (swept later), dangling rows never.
    for (const v of await db().volume.findMany()) expect(await blobs().exists(v.blobKey)).toBe(true);
    for (const m of await db().referenceMask.findMany()) expect(await blobs().exists(m.blobKey)).toBe(true);
    // and the retried upload succeeds, reusing the already written blobs
    const retry = await ingestCase(SYSTEM, { caseId: 'CRASH-1' }, realCaseFiles('TCGA-FG-6692'));
    expect(retry.created).toBe(true);
  });
});
