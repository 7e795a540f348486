import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { readNifti, writeNiftiMask } from '@/lib/server/imaging/nifti';
import { blobs } from '@/lib/server/blobs';
import { isAppError } from '@/lib/server/errors';
import { countLabels } from '@/lib/editor/stats';
import {
  diffLabelVersions,
  getLabelState,
  listLabelVersions,
  readLabelVersionMask,
  restoreLabelVersion,
  saveLabelVersion,
} from '@/lib/server/labels';
import { AFFINE, at, countBlobFiles, createCase, createUsers, DIMS, maskFile, N, predictionMask, useTempBlobRoot } from './fixtures';
import { SYSTEM } from '@/lib/server/auth/actor';

const blobRoot = useTempBlobRoot();
useTestDb({ BLOB_ROOT: blobRoot });

let users: Awaited<ReturnType<typeof createUsers>>;
let caseId: string;
beforeAll(async () => {
  users = await createUsers();
  caseId = await createCase('LBL-VERSIONS');
});

const code = (e: unknown) => (isAppError(e) ? e.code : String(e));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function edited(base: Uint8Array, value: number, from: number, to: number) {
  const m = base.slice();
  for (let x = from; x < to; x++) m[at(x, 2, 2)] = value;
  return m;
}

describe('version chain', () => {
  it('records the production prediction as version 1, then the first edit on top of it', async () => {
    const mask = edited(predictionMask(), 3, 0, 5);
    const v = await saveLabelVersion({
      actor: users.rad1,
      caseId,
      parentVersionId: null,
      maskBytes: maskFile(mask),
      source: 'EDIT',
      message: 'first pass',
    });
    expect(v).toMatchObject({
      number: 2,
      parentNumber: 1,
      source: 'EDIT',
      changedVoxels: 5,
      isHead: true,
      message: 'first pass',
      authorName: 'Rad One',
    });
    expect(v.voxelCounts).toEqual(countLabels(mask));
    const versions = await listLabelVersions(caseId);
    expect(versions.map((x) => [x.number, x.source, x.isHead])).toEqual([
      [2, 'EDIT', true],
      [1, 'MODEL', false],
    ]);
    expect(same(await readLabelVersionMask(caseId, versions[1].id), predictionMask())).toBe(true);
    // version 1 is the model's work: attributed to the model, and the radiologist only recorded it
    expect(versions[1]).toMatchObject({ authorName: 'test-model@1.0.0', model: 'test-model@1.0.0', recordedByName: 'Rad One' });
    expect(versions[0]).toMatchObject({ authorName: 'Rad One', model: null });
  });

  it('on a case the canary answered, starts from the canary mask clinicians saw, not the hidden production one', async () => {
    const id = await createCase('LBL-CANARY', { prediction: false });
    const canary = await db().modelVersion.create({
      data: { name: 'test-model', version: '2.0.0-canary', blobKey: 'none', sha256: 'none-canary', card: {}, stage: 'CANARY' },
    });
    const prod = await db().modelVersion.upsert({
      where: { name_version: { name: 'test-model', version: '1.0.0' } },
      create: { name: 'test-model', version: '1.0.0', blobKey: 'none', sha256: 'none', card: {}, stage: 'PRODUCTION' },
      update: {},
    });
    const hidden = new Uint8Array(N); // production's mask, stored for comparison but not shown
    for (const [modelVersionId, role, mask, returned] of [
      [prod.id, 'PRODUCTION', hidden, false],
      [canary.id, 'CANARY', predictionMask(), true],
    ] as const) {
      const put = await blobs().put(maskFile(mask));
      await db().prediction.create({
        data: { caseId: id, modelVersionId, role, returned, maskBlobKey: put.key, maskSha256: put.sha256, volumesMl: {}, latencyMs: 1 },
      });
    }
    expect((await getLabelState(SYSTEM, id)).prediction).toMatchObject({ modelVersion: 'test-model@2.0.0-canary' });
    await saveLabelVersion({
      actor: users.rad1,
      caseId: id,
      parentVersionId: null,
      maskBytes: maskFile(edited(predictionMask(), 3, 0, 5)),
      source: 'EDIT',
      message: 'on the canary mask',
    });
    const versions = await listLabelVersions(id);
    expect(versions.map((x) => [x.number, x.source])).toEqual([
      [2, 'EDIT'],
      [1, 'MODEL'],
    ]);
    expect(same(await readLabelVersionMask(id, versions[1].id), predictionMask())).toBe(true);
    expect(versions[0].changedVoxels).toBe(5);
  });

  it('stores each version as a NIfTI on the case grid and affine, content-addressed', async () => {
    const [head] = await listLabelVersions(caseId);
    const row = await db().labelVersion.findUniqueOrThrow({ where: { id: head.id } });
    const file = readNifti(await blobs().get(row.blobKey));
    expect(file.dims).toEqual(DIMS);
    expect(file.affine.map((x) => Math.round(x * 1e4) / 1e4)).toEqual(AFFINE);
    expect(file.datatype).toBe('uint8');
    expect(row.sha256).toBe(row.blobKey.split('/').pop());
  });

  it('chains versions with parents and counts changed voxels against the parent', async () => {
    const [head] = await listLabelVersions(caseId);
    const base = await readLabelVersionMask(caseId, head.id);
    const next = edited(base, 0, 0, 2);
    const v = await saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: head.id, mask: next, source: 'EDIT' });
    expect(v).toMatchObject({ number: 3, parentId: head.id, changedVoxels: 2 });
    expect((await getLabelState(SYSTEM, caseId)).label?.headVersionId).toBe(v.id);
  });

  it('of two concurrent saves on the same parent exactly one wins; the other gets CONFLICT and can save a branch', async () => {
    const [head] = await listLabelVersions(caseId);
    const base = await readLabelVersionMask(caseId, head.id);
    const a = edited(base, 1, 10, 20),
      b = edited(base, 2, 10, 15);
    const results = await Promise.allSettled([
      saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: head.id, mask: a, source: 'EDIT', message: 'A' }),
      saveLabelVersion({ actor: users.rad2, caseId, parentVersionId: head.id, mask: b, source: 'EDIT', message: 'B' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(code(lost[0].reason)).toBe('CONFLICT');
    expect((lost[0].reason as Error).message).toMatch(/save yours as a branch/);
    const winner = won[0].value;
    const loserMask = winner.message === 'A' ? b : a;
    expect((await getLabelState(SYSTEM, caseId)).label?.headVersionId).toBe(winner.id);
    // nothing is lost: the loser keeps its mask and stores it beside the head
    const branch = await saveLabelVersion({
      actor: users.rad2,
      caseId,
      parentVersionId: head.id,
      mask: loserMask,
      source: 'EDIT',
      asBranch: true,
    });
    expect(branch).toMatchObject({ parentId: head.id, isHead: false });
    expect((await getLabelState(SYSTEM, caseId)).label?.headVersionId).toBe(winner.id);
    expect(same(await readLabelVersionMask(caseId, branch.id), loserMask)).toBe(true);
    expect(same(await readLabelVersionMask(caseId, winner.id), winner.message === 'A' ? a : b)).toBe(true);
    const audit = await db().auditEvent.findMany({ where: { entityId: branch.id } });
    expect(audit.map((e) => e.action)).toEqual([AUDIT.labelVersionBranch]);
  });

  it('refuses a save whose parent is stale even without a race', async () => {
    const versions = await listLabelVersions(caseId);
    const old = versions.find((v) => !v.isHead)!;
    await expect(
      saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: old.id, mask: predictionMask(), source: 'EDIT' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('restores an old version as a new head version with identical voxels', async () => {
    const versions = await listLabelVersions(caseId);
    const head = versions.find((v) => v.isHead)!;
    const model = versions.find((v) => v.source === 'MODEL')!;
    const r = await restoreLabelVersion({ actor: users.rad1, caseId, versionId: model.id, parentVersionId: head.id });
    expect(r).toMatchObject({ isHead: true, message: 'Restored version 1', sha256: model.sha256 });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: r.id } });
    expect(audit.data).toMatchObject({ restoredFromNumber: 1 });
  });

  it('diffs two versions per label', async () => {
    const versions = await listLabelVersions(caseId);
    const model = versions.find((v) => v.source === 'MODEL')!;
    const first = versions.find((v) => v.number === 2)!;
    const { diff, overlay } = await diffLabelVersions(SYSTEM, caseId, model.id, first.id);
    expect(diff).toEqual({ added: { '1': 0, '2': 0, '3': 5 }, removed: { '1': 0, '2': 0, '3': 0 }, changed: 5 });
    const o = readNifti(overlay).data as Uint8Array;
    expect(o[at(0, 2, 2)]).toBe(1);
  });
});

describe('validation: nothing is stored for a bad mask', () => {
  async function expectRefused(run: () => Promise<unknown>, pattern: RegExp, expected = 'INVALID_INPUT') {
    const versionsBefore = await db().labelVersion.count();
    const auditBefore = await db().auditEvent.count();
    const blobsBefore = countBlobFiles(blobRoot);
    const err = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(code(err)).toBe(expected);
    expect((err as Error).message).toMatch(pattern);
    expect(await db().labelVersion.count()).toBe(versionsBefore);
    expect(await db().auditEvent.count()).toBe(auditBefore);
    expect(countBlobFiles(blobRoot)).toBe(blobsBefore);
  }

  it('refuses a different grid, another affine, unknown labels, and wrong-sized voxel arrays', async () => {
    const head = (await getLabelState(SYSTEM, caseId)).label!.headVersionId;
    const save = (o: object) => saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: head, source: 'EDIT', ...o });
    await expectRefused(() => save({ mask: new Uint8Array(N - 1) }), /voxels/);
    const four = predictionMask();
    four[0] = 4;
    await expectRefused(() => save({ mask: four }), /label 4/);
    await expectRefused(() => save({ maskBytes: maskFile(four) }), /labels the "brats2023" convention does not define/);
    const shifted = [...AFFINE];
    shifted[3] += 2;
    await expectRefused(() => save({ maskBytes: maskFile(predictionMask(), shifted) }), /affine differs/);
    const small = new Uint8Array(10 * 10 * 10);
    await expectRefused(
      () => save({ maskBytes: writeNiftiMask(small, { dims: [10, 10, 10], affine: AFFINE, data: small }) }),
      /grid 10x10x10/,
    );
    await expectRefused(() => save({ maskBytes: new Uint8Array(400).fill(7) }), /not a readable NIfTI/, 'UNSUPPORTED_MEDIA');
  });

  it('imports a mask in another convention through its label map (BraTS 2020: 4 -> 3)', async () => {
    const head = (await getLabelState(SYSTEM, caseId)).label!.headVersionId;
    const m = predictionMask();
    const legacy = m.map((v) => (v === 3 ? 4 : v));
    const v = await saveLabelVersion({
      actor: users.rad2,
      caseId,
      parentVersionId: head,
      maskBytes: maskFile(legacy),
      labelMap: 'brats2020',
      source: 'IMPORT',
      message: 'imported',
    });
    expect(v.source).toBe('IMPORT');
    expect(same(await readLabelVersionMask(caseId, v.id), m)).toBe(true);
  });

  it('refuses physicians and unknown cases', async () => {
    await expect(
      saveLabelVersion({ actor: users.physician, caseId, parentVersionId: null, mask: predictionMask(), source: 'EDIT' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      saveLabelVersion({ actor: users.rad1, caseId: 'nope', parentVersionId: null, mask: predictionMask(), source: 'EDIT' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('without a prediction the first version has no parent', async () => {
    const bare = await createCase('LBL-BARE', { prediction: false });
    const v = await saveLabelVersion({ actor: users.rad1, caseId: bare, parentVersionId: null, mask: predictionMask(), source: 'EDIT' });
    expect(v).toMatchObject({
      number: 1,
      parentId: null,
      changedVoxels: countLabels(predictionMask())['1'] + countLabels(predictionMask())['2'] + countLabels(predictionMask())['3'],
    });
  });
});
