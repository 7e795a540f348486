import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { blobs } from '@/lib/server/blobs';
import { AppError } from '@/lib/server/errors';
import { SYSTEM } from '@/lib/server/auth/actor';
import { createSnapshot } from '@/lib/server/datasets/snapshot';
import { addCasesToDataset, listDatasetMembers, lockDataset } from '@/lib/server/datasets/members';
import { canonicalJson, readManifest } from '@/lib/server/datasets/manifest';
import { trainingManifest } from '@/lib/server/datasets/training-manifest';
import { exportSnapshot } from '@/lib/server/datasets/export';
import { auditActions, createDefaultDatasets, createSmallCase, createUser } from './fixtures';

useTestDb();
useTestBlobs();

let sets: Awaited<ReturnType<typeof createDefaultDatasets>>;
let ml: Awaited<ReturnType<typeof createUser>>;
let radiologist: Awaited<ReturnType<typeof createUser>>;
const ids: Record<string, string> = {};

async function refused(p: Promise<unknown>, code: string, message: RegExp) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).userMessage).toMatch(message);
}

beforeAll(async () => {
  ml = await createUser('ml@test', 'ML_ENGINEER');
  radiologist = await createUser('rad@test', 'RADIOLOGIST');
  sets = await createDefaultDatasets();
  for (const [name, opts] of Object.entries({
    T1: { site: 'A' },
    T2: { site: 'B' },
    T3: { site: 'A', label: 'IN_REVIEW' as const },
    H1: { site: 'C' },
    H2: { site: 'C' },
    D1: { site: 'A' },
  }))
    ids[name] = await createSmallCase(`SNAP-${name}`, opts);
  await addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: [ids.T1, ids.T2, ids.T3] });
  await addCasesToDataset(ml, { datasetId: sets.internal.id, caseIds: [ids.H1, ids.H2] });
  await addCasesToDataset(ml, { datasetId: sets.drifter.id, caseIds: [ids.D1] });
});

describe('immutable snapshots', () => {
  it('records only approved labels, with file hashes and splits, under the sha256 of its canonical manifest', async () => {
    const snap = await createSnapshot(ml, {
      name: 's1',
      purpose: 'TRAINING',
      sources: [{ datasetId: sets.train.id }, { datasetId: sets.drifter.id }],
    });
    expect(snap).toMatchObject({ caseCount: 3, created: true, splits: { TRAIN: 2, DRIFTER: 1 } });
    expect(snap.skipped).toEqual([{ caseId: ids.T3, reason: 'no approved label' }]);
    const row = await db().datasetSnapshot.findUniqueOrThrow({ where: { id: snap.id } });
    const bytes = await blobs().get(row.manifestBlobKey);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);
    const manifest = await readManifest(row.manifestBlobKey, row.sha256);
    expect(canonicalJson(manifest)).toBe(new TextDecoder().decode(bytes));
    const t1 = manifest.cases.find((c) => c.caseId === ids.T1)!;
    const label = await db().label.findUniqueOrThrow({ where: { caseId: ids.T1 }, include: { headVersion: true } });
    expect(t1.labelVersionId).toBe(label.headVersionId);
    expect(t1.label).toBe(label.headVersion!.sha256);
    const vols = await db().volume.findMany({ where: { caseId: ids.T1 } });
    expect(Object.values(t1.images).sort()).toEqual(vols.map((v) => v.sha256).sort());
    const items = await db().snapshotItem.findMany({ where: { snapshotId: snap.id } });
    expect(items.map((i) => [i.caseId, i.split]).sort()).toEqual(
      [
        [ids.D1, 'DRIFTER'],
        [ids.T1, 'TRAIN'],
        [ids.T2, 'TRAIN'],
      ].sort(),
    );
  });

  it('returns the existing snapshot for identical content instead of a second one', async () => {
    const again = await createSnapshot(ml, {
      name: 'other name',
      purpose: 'TRAINING',
      sources: [{ datasetId: sets.train.id }, { datasetId: sets.drifter.id }],
    });
    expect(again.created).toBe(false);
    expect(await db().datasetSnapshot.count()).toBe(1);
  });

  it('the trainer manifest carries only the training split, with paths, hashes and the snapshot identity', async () => {
    const snap = await db().datasetSnapshot.findFirstOrThrow();
    const tm = await trainingManifest(snap.id);
    expect(tm.doc.snapshot).toEqual({ id: snap.id, sha256: snap.sha256 });
    expect(tm.doc.cases.map((c) => c.caseId).sort()).toEqual(['SNAP-T1', 'SNAP-T2']);
    expect(tm.doc.cases[0].images.T1N).toMatch(/^cases\/SNAP-T[12]\/t1n\.nii\.gz$/);
    expect(tm.files).toHaveLength(10);
  });

  it('refuses to let a training case sit in a hold-out, either way round', async () => {
    await refused(addCasesToDataset(ml, { datasetId: sets.internal.id, caseIds: [ids.T1] }), 'CONFLICT', /trained on or held out/);
    await refused(addCasesToDataset(ml, { datasetId: sets.train.id, caseIds: [ids.D1] }), 'CONFLICT', /drifter-holdout/);
    await refused(addCasesToDataset(radiologist, { datasetId: sets.train.id, caseIds: [ids.T1] }), 'FORBIDDEN', /role/);
  });
});

describe('locked hold-outs', () => {
  it('only hold-out sets lock, locking is permanent, and membership is frozen', async () => {
    await refused(lockDataset(ml, sets.train.id), 'CONFLICT', /Only hold-out sets/);
    await refused(lockDataset(ml, sets.drifter.id), 'CONFLICT', /Only hold-out sets/);
    await lockDataset(ml, sets.internal.id);
    const extra = await createSmallCase('SNAP-H3', { site: 'C' });
    await refused(addCasesToDataset(ml, { datasetId: sets.internal.id, caseIds: [extra] }), 'CONFLICT', /locked/);
    expect(await auditActions(sets.internal.id)).toContain(AUDIT.datasetLock);
  });

  it('no training snapshot may read a locked set', async () => {
    await refused(
      createSnapshot(ml, { name: 'leak', purpose: 'TRAINING', sources: [{ datasetId: sets.train.id }, { datasetId: sets.internal.id }] }),
      'CONFLICT',
      /locked hold-out: no training run may read it/,
    );
  });

  it('a case that joins a hold-out later makes older training snapshots untrainable', async () => {
    const snap = await db().datasetSnapshot.findFirstOrThrow();
    // Simulate the leak path the services refuse: a row written behind their back must still be caught at training time.
    await db().datasetMember.create({ data: { datasetId: sets.external.id, caseId: ids.T2 } });
    await refused(trainingManifest(snap.id), 'CONFLICT', /SNAP-T2 is now in the hold-out/);
    await refused(
      createSnapshot(ml, { name: 'x', purpose: 'TRAINING', sources: [{ datasetId: sets.train.id }] }),
      'CONFLICT',
      /SNAP-T2 is in the hold-out/,
    );
    await db().datasetMember.deleteMany({ where: { datasetId: sets.external.id } });
  });

  it('every read of a locked set is audited: member lists, evaluation snapshots, exports', async () => {
    const before = (await auditActions(sets.internal.id)).filter((a) => a === AUDIT.datasetRead).length;
    const members = await listDatasetMembers(ml, sets.internal.id);
    expect(members.map((m) => m.externalId).sort()).toEqual(['SNAP-H1', 'SNAP-H2']);
    const evalSnap = await createSnapshot(SYSTEM, { name: 'eval', purpose: 'EVALUATION', sources: [{ datasetId: sets.internal.id }] });
    expect(evalSnap.splits).toEqual({ HOLDOUT_INTERNAL: 2 });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-export-'));
    await exportSnapshot(ml, { snapshotId: evalSnap.id, format: 'monai', outDir: out });
    const reads = await db().auditEvent.findMany({
      where: { entityId: sets.internal.id, action: AUDIT.datasetRead },
      orderBy: { createdAt: 'asc' },
    });
    expect(reads.length - before).toBe(3);
    expect(reads.slice(-3).map((r) => (r.data as { purpose: string }).purpose)).toEqual(['LIST', 'EVALUATION', 'EXPORT']);
    // Reading an unlocked set is not logged as a hold-out read.
    await listDatasetMembers(ml, sets.train.id);
    expect(await db().auditEvent.count({ where: { entityId: sets.train.id, action: AUDIT.datasetRead } })).toBe(0);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe('exports', () => {
  it('writes an nnU-Net raw dataset: imagesTr with _0000.._0003 channels, labelsTr, hold-outs under imagesTs, dataset.json', async () => {
    const snap = await db().datasetSnapshot.findFirstOrThrow({ where: { name: 's1' } });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-nnunet-'));
    const r = await exportSnapshot(ml, { snapshotId: snap.id, format: 'nnunet', outDir: out, datasetId: 7 });
    expect(path.basename(r.dir)).toBe('Dataset007_TumorWatch');
    const list = (d: string) => fs.readdirSync(path.join(r.dir, d)).sort();
    expect(list('imagesTr')).toEqual(['SNAP-T1', 'SNAP-T2'].flatMap((c) => [0, 1, 2, 3].map((i) => `${c}_000${i}.nii.gz`)));
    expect(list('labelsTr')).toEqual(['SNAP-T1.nii.gz', 'SNAP-T2.nii.gz']);
    expect(list('imagesTs')).toHaveLength(4);
    const ds = JSON.parse(fs.readFileSync(path.join(r.dir, 'dataset.json'), 'utf8'));
    expect(ds).toMatchObject({
      channel_names: { 0: 'T1N', 1: 'T1C', 2: 'T2W', 3: 'T2F' },
      labels: { background: 0, NCR: 1, ED: 2, ET: 3 },
      numTraining: 2,
      file_ending: '.nii.gz',
    });
    // Files are the snapshot's bytes: channel 1 of SNAP-T1 is its T1C volume.
    const t1c = await db().volume.findFirstOrThrow({ where: { caseId: ids.T1, modality: 'T1C' } });
    const bytes = fs.readFileSync(path.join(r.dir, 'imagesTr', 'SNAP-T1_0001.nii.gz'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(t1c.sha256);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('writes a MONAI datalist whose entries list four channel images and a label', async () => {
    const snap = await db().datasetSnapshot.findFirstOrThrow({ where: { name: 's1' } });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-monai-'));
    await exportSnapshot(ml, { snapshotId: snap.id, format: 'monai', outDir: out });
    const dl = JSON.parse(fs.readFileSync(path.join(out, 'datalist.json'), 'utf8'));
    expect(dl.training).toHaveLength(2);
    expect(dl.testing.map((e: { split: string }) => e.split)).toEqual(['DRIFTER']);
    for (const e of [...dl.training, ...dl.testing]) {
      expect(e.image).toHaveLength(4);
      for (const f of [...e.image, e.label]) expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
    fs.rmSync(out, { recursive: true, force: true });
  });
});
