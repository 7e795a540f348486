/**
 * A small world for evaluation and promotion integration tests: users, labelled cases on a 24x20x16 grid, models
 * whose masks are stored predictions (so no ONNX runs), hold-out datasets and a training snapshot.
 */
import crypto from 'node:crypto';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { writeNiftiMask } from '@/lib/server/imaging/nifti';
import { hashPassword } from '@/lib/server/auth/passwords';
import { approveLabel, saveLabelVersion, submitForReview } from '@/lib/server/labels';
import type { UserActor } from '@/lib/server/auth/session';
import { AFFINE, at, createCase, DIMS, N } from '../labels/fixtures';

export { at, DIMS, N };
export const ML_PASSWORD = 'ml-engineer-password';

export async function createWorldUsers() {
  const make = async (email: string, name: string, role: UserActor['role'], password = 'not-used-here') => {
    const u = await db().user.create({ data: { email, name, role, passwordHash: await hashPassword(password, 4) } });
    return { kind: 'user', id: u.id, email, name, role } as UserActor;
  };
  return {
    rad1: await make('w-r1@test', 'Rad Author', 'RADIOLOGIST'),
    rad2: await make('w-r2@test', 'Rad Reviewer', 'RADIOLOGIST'),
    physician: await make('w-p@test', 'Phys', 'PHYSICIAN'),
    ml: await make('w-ml@test', 'Mia ML', 'ML_ENGINEER', ML_PASSWORD),
  };
}
export type WorldUsers = Awaited<ReturnType<typeof createWorldUsers>>;

/** Ground truth: an ED box with an NCR core and an ET slab; `shift` moves it along x (a different case). */
export function truthMask(shift = 0): Uint8Array {
  const m = new Uint8Array(N);
  for (let z = 4; z < 12; z++) for (let y = 5; y < 15; y++) for (let x = 5 + shift; x < 17 + shift; x++) m[at(x, y, z)] = 2;
  for (let z = 6; z < 10; z++) for (let y = 8; y < 12; y++) for (let x = 8 + shift; x < 14 + shift; x++) m[at(x, y, z)] = 1;
  for (let y = 8; y < 12; y++) for (let x = 8 + shift; x < 14 + shift; x++) m[at(x, y, 10)] = 3;
  return m;
}

/** The truth with its first `slices` z-slices of tumour erased: a model that misses part of the tumour. */
export function erode(mask: Uint8Array, slices: number): Uint8Array {
  const out = mask.slice();
  for (let z = 0; z < 4 + slices; z++) for (let i = z * DIMS[0] * DIMS[1]; i < (z + 1) * DIMS[0] * DIMS[1]; i++) out[i] = 0;
  return out;
}

export async function createModel(
  name: string,
  version: string,
  stage: 'CANDIDATE' | 'PRODUCTION' | 'SHADOW' | 'CANARY' | 'ARCHIVED',
  extra: { snapshotId?: string; parentId?: string } = {},
) {
  return db().modelVersion.create({
    data: { name, version, blobKey: 'none', sha256: crypto.randomBytes(32).toString('hex'), card: {}, stage, ...extra },
  });
}

export async function addPrediction(
  caseId: string,
  modelVersionId: string,
  role: 'PRODUCTION' | 'SHADOW' | 'CANARY',
  mask: Uint8Array,
  returned = role === 'PRODUCTION',
) {
  const put = await blobs().put(writeNiftiMask(mask, { dims: DIMS, affine: AFFINE, data: mask }));
  return db().prediction.create({
    data: { caseId, modelVersionId, role, returned, maskBlobKey: put.key, maskSha256: put.sha256, volumesMl: {}, latencyMs: 1 },
  });
}

/** A case whose label was drawn by rad1 and approved by rad2 (the real review path). */
export async function labelledCase(users: WorldUsers, externalId: string, truth: Uint8Array) {
  const caseId = await createCase(externalId, { prediction: false });
  const v = await saveLabelVersion({
    actor: users.rad1,
    caseId,
    parentVersionId: null,
    mask: truth,
    source: 'EDIT',
    message: 'ground truth',
  });
  await submitForReview({ actor: users.rad1, caseId, versionId: v.id });
  await approveLabel({ actor: users.rad2, caseId, versionId: v.id });
  return { caseId, versionId: v.id };
}

export async function dataset(
  name: string,
  kind: 'TRAIN' | 'HOLDOUT_INTERNAL' | 'HOLDOUT_EXTERNAL' | 'DRIFTER',
  caseIds: string[],
  locked = kind.startsWith('HOLDOUT'),
) {
  return db().dataset.create({
    data: { name, kind, locked, lockedAt: locked ? new Date() : null, members: { create: caseIds.map((caseId) => ({ caseId })) } },
  });
}

export async function snapshot(name: string, items: { caseId: string; versionId: string; split: string }[]) {
  return db().datasetSnapshot.create({
    data: {
      name,
      sha256: crypto.randomBytes(32).toString('hex'),
      manifestBlobKey: 'none',
      caseCount: items.length,
      items: { create: items.map((i) => ({ caseId: i.caseId, labelVersionId: i.versionId, split: i.split })) },
    },
  });
}
