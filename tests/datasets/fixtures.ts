/**
 * Small cases for the dataset and workflow tests: four volumes on a 12x10x8 grid stored as blobs, an approved (or
 * draft) label written the way the labels service writes it (Label + immutable LabelVersion with a mask blob), and
 * optionally a drifter verdict or a physician flag, which is what makes an approved case count toward retraining.
 */
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { writeNiftiMask } from '@/lib/server/imaging/nifti';
import type { UserActor } from '@/lib/server/auth/session';
import { storeVolumes } from '../support/case-rows';

const DIMS: [number, number, number] = [12, 10, 8];
const AFFINE = [-2, 0, 0, 11, 0, -2, 0, 9, 0, 0, 2, -4, 0, 0, 0, 1];
const N = DIMS[0] * DIMS[1] * DIMS[2];

export async function createUser(email: string, role: UserActor['role']): Promise<UserActor> {
  const u = await db().user.create({ data: { email, name: email, role, passwordHash: 'x' } });
  return { kind: 'user', id: u.id, email, name: email, role };
}

export async function createDefaultDatasets() {
  const make = (name: string, kind: 'TRAIN' | 'HOLDOUT_INTERNAL' | 'HOLDOUT_EXTERNAL' | 'DRIFTER') =>
    db().dataset.create({ data: { name, kind } });
  return {
    train: await make('train', 'TRAIN'),
    internal: await make('holdout-internal', 'HOLDOUT_INTERNAL'),
    external: await make('holdout-external', 'HOLDOUT_EXTERNAL'),
    drifter: await make('drifter-holdout', 'DRIFTER'),
  };
}

/** The model the drift report and flag point at (any model will do: only the case-level facts matter here). */
async function anyModel() {
  return db().modelVersion.upsert({
    where: { name_version: { name: 'fixture-model', version: '0.0.1' } },
    create: { name: 'fixture-model', version: '0.0.1', blobKey: 'none', sha256: 'none', card: {}, stage: 'ARCHIVED' },
    update: {},
  });
}

export interface SmallCaseOptions {
  site?: string | null;
  label?: 'APPROVED' | 'IN_REVIEW' | 'DRAFT' | null;
  drifter?: boolean;
  flagged?: boolean;
  /** Varies the image bytes so that every case has its own blobs. */
  seed?: number;
}

export async function createSmallCase(externalId: string, opts: SmallCaseOptions = {}): Promise<string> {
  const seed = opts.seed ?? externalId.length + externalId.charCodeAt(externalId.length - 1);
  const c = await db().case.create({ data: { externalId, site: opts.site ?? null, status: 'PREDICTED' } });
  await storeVolumes(c.id, { dims: DIMS, affine: AFFINE, spacing: [2, 2, 2] }, (_, i) =>
    new Int16Array(N).map((_, v) => (v * (i + 3) + seed * 7) % 400),
  );
  if (opts.label !== null) await addLabel(c.id, opts.label ?? 'APPROVED', seed);
  if (opts.drifter || opts.flagged) await addSignals(c.id, opts);
  return c.id;
}

async function addLabel(caseId: string, status: 'APPROVED' | 'IN_REVIEW' | 'DRAFT', seed: number) {
  const mask = new Uint8Array(N);
  for (let v = 0; v < N; v++) if ((v + seed) % 9 === 0) mask[v] = 1 + ((v + seed) % 3);
  const put = await blobs().put(writeNiftiMask(mask, { dims: DIMS, affine: AFFINE, data: mask }));
  const author =
    (await db().user.findFirst({ where: { role: 'RADIOLOGIST' } })) ??
    (await db().user.create({ data: { email: `rad-${caseId}@test`, name: 'rad', role: 'RADIOLOGIST', passwordHash: 'x' } }));
  const label = await db().label.create({ data: { caseId, status, approvedAt: status === 'APPROVED' ? new Date() : null } });
  const version = await db().labelVersion.create({
    data: {
      labelId: label.id,
      number: 1,
      authorId: author.id,
      blobKey: put.key,
      sha256: put.sha256,
      source: 'EDIT',
      voxelCounts: {},
      changedVoxels: 0,
    },
  });
  await db().label.update({ where: { id: label.id }, data: { headVersionId: version.id } });
}

/** A drifter verdict (on a production prediction) and/or a physician flag: what makes an approved case count. */
export async function addSignals(caseId: string, opts: Pick<SmallCaseOptions, 'drifter' | 'flagged'>) {
  const model = await anyModel();
  const mask = await blobs().put(new Uint8Array([1, 2, 3, caseId.length]));
  const prediction = await db().prediction.create({
    data: {
      caseId,
      modelVersionId: model.id,
      role: 'PRODUCTION',
      returned: true,
      maskBlobKey: mask.key,
      maskSha256: mask.sha256,
      volumesMl: {},
      latencyMs: 1,
    },
  });
  if (opts.drifter)
    await db().driftReport.create({ data: { caseId, predictionId: prediction.id, checks: [], score: 3, isDrifter: true, reasons: [] } });
  if (opts.flagged) {
    const physician =
      (await db().user.findFirst({ where: { role: 'PHYSICIAN' } })) ??
      (await db().user.create({ data: { email: `phys-${caseId}@test`, name: 'phys', role: 'PHYSICIAN', passwordHash: 'x' } }));
    await db().flag.create({ data: { caseId, predictionId: prediction.id, userId: physician.id, reason: 'BOUNDARY' } });
  }
}

export async function setSetting(key: string, value: unknown) {
  await db().setting.upsert({ where: { key }, create: { key, value: value as object }, update: { value: value as object } });
}

export async function auditActions(entityId?: string): Promise<string[]> {
  const rows = await db().auditEvent.findMany({ where: entityId ? { entityId } : {}, orderBy: { createdAt: 'asc' } });
  return rows.map((r) => r.action);
}
