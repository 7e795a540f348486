import 'server-only';
import { db, type Tx } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { actorUserId, type Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { buildManifest, CHANNELS, type SnapshotCase } from './manifest';
import { recordLockedReads } from './locked-reads';

/**
 * TRAINING snapshots feed a trainer: they refuse locked hold-out sets outright and refuse any training case that
 * belongs to a hold-out set (leakage). EVALUATION snapshots may read locked sets; every such read is audited.
 */
export type SnapshotPurpose = 'TRAINING' | 'EVALUATION';

export interface SnapshotSource {
  datasetId: string;
  /** Split recorded for the dataset's cases; defaults to the dataset's kind (TRAIN, DRIFTER, HOLDOUT_*). */
  split?: string;
}

export interface CreateSnapshotInput {
  name: string;
  purpose: SnapshotPurpose;
  sources: SnapshotSource[];
}

export interface SnapshotResultDto {
  id: string;
  name: string;
  sha256: string;
  caseCount: number;
  /** false when a snapshot with exactly this content already existed (it is returned instead). */
  created: boolean;
  splits: Record<string, number>;
  skipped: { caseId: string; reason: string }[];
}

export const HOLDOUT_KINDS = ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL', 'DRIFTER'] as const;

export async function createSnapshot(actor: Actor, input: CreateSnapshotInput): Promise<SnapshotResultDto> {
  await authorize(actor, 'dataset:manage');
  return db().$transaction((tx) => createSnapshotInTx(tx, actor, input), { timeout: 120_000, maxWait: 30_000 });
}

/** The whole snapshot (reads, manifest blob, rows, audit) inside the caller's transaction. */
export async function createSnapshotInTx(tx: Tx, actor: Actor, input: CreateSnapshotInput): Promise<SnapshotResultDto> {
  const ids = input.sources.map((s) => s.datasetId);
  const datasets = await tx.dataset.findMany({ where: { id: { in: ids } } });
  const byId = new Map(datasets.map((d) => [d.id, d]));
  for (const id of ids) if (!byId.has(id)) throw new AppError('NOT_FOUND', `No dataset ${id}.`);
  if (input.purpose === 'TRAINING') {
    const locked = datasets.find((d) => d.locked);
    if (locked) throw new AppError('CONFLICT', `Dataset "${locked.name}" is a locked hold-out: no training run may read it.`);
  }
  const splitOf = new Map(input.sources.map((s) => [s.datasetId, s.split ?? byId.get(s.datasetId)!.kind]));
  const members = await tx.datasetMember.findMany({
    where: { datasetId: { in: ids } },
    include: { case: { include: { volumes: true, label: { include: { headVersion: true } } } } },
  });
  const seen = new Map<string, string>();
  for (const m of members) {
    const other = seen.get(m.caseId);
    if (other)
      throw new AppError(
        'CONFLICT',
        `Case ${m.case.externalId} is in both "${byId.get(other)!.name}" and "${byId.get(m.datasetId)!.name}".`,
      );
    seen.set(m.caseId, m.datasetId);
  }
  if (input.purpose === 'TRAINING')
    await refuseHoldoutCasesInTraining(
      tx,
      members.filter((m) => splitOf.get(m.datasetId) === 'TRAIN').map((m) => m.caseId),
    );

  const cases: SnapshotCase[] = [];
  const skipped: SnapshotResultDto['skipped'] = [];
  for (const m of members) {
    const label = m.case.label;
    const volumes = new Map(m.case.volumes.map((v) => [v.modality as string, v.sha256]));
    if (label?.status !== 'APPROVED' || !label.headVersion) skipped.push({ caseId: m.caseId, reason: 'no approved label' });
    else if (CHANNELS.some((c) => !volumes.has(c))) skipped.push({ caseId: m.caseId, reason: 'missing a modality' });
    else
      cases.push({
        caseId: m.caseId,
        externalId: m.case.externalId,
        site: m.case.site,
        split: splitOf.get(m.datasetId)!,
        labelVersionId: label.headVersion.id,
        label: label.headVersion.sha256,
        images: { T1N: volumes.get('T1N')!, T1C: volumes.get('T1C')!, T2W: volumes.get('T2W')!, T2F: volumes.get('T2F')! },
      });
  }
  if (cases.length === 0) throw new AppError('INVALID_INPUT', 'No case in these datasets has an approved label: nothing to snapshot.');
  const { manifest, bytes, sha256 } = buildManifest(cases);
  const splits: Record<string, number> = {};
  for (const c of manifest.cases) splits[c.split] = (splits[c.split] ?? 0) + 1;

  let snap = await tx.datasetSnapshot.findUnique({ where: { sha256 } });
  const created = !snap;
  if (!snap) {
    // The manifest blob is written before the row that points at it commits.
    const put = await blobs().put(bytes, { contentType: 'application/json' });
    snap = await tx.datasetSnapshot.create({
      data: { name: input.name, sha256, manifestBlobKey: put.key, caseCount: cases.length, createdById: actorUserId(actor) },
    });
    await tx.snapshotItem.createMany({
      data: manifest.cases.map((c) => ({ snapshotId: snap!.id, caseId: c.caseId, labelVersionId: c.labelVersionId, split: c.split })),
    });
    await recordAudit(tx, {
      actor,
      action: AUDIT.snapshotCreate,
      entityId: snap.id,
      data: { name: input.name, purpose: input.purpose, sha256, splits, skipped: skipped.length },
    });
  }
  await recordLockedReads(tx, actor, datasets, input.purpose, { snapshotId: snap.id });
  return { id: snap.id, name: snap.name, sha256, caseCount: snap.caseCount, created, splits, skipped };
}

/** A case that sits in any hold-out set (locked or not) must never be trained on. */
async function refuseHoldoutCasesInTraining(tx: Tx, trainCaseIds: string[]) {
  if (trainCaseIds.length === 0) return;
  const leak = await tx.datasetMember.findFirst({
    where: { caseId: { in: trainCaseIds }, dataset: { kind: { in: [...HOLDOUT_KINDS] } } },
    include: { dataset: true, case: true },
  });
  if (leak) {
    const what = leak.dataset.locked ? 'locked hold-out' : 'hold-out';
    throw new AppError('CONFLICT', `Case ${leak.case.externalId} is in the ${what} "${leak.dataset.name}": no training run may read it.`);
  }
}
