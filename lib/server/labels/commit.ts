import 'server-only';
import type { LabelCounts } from '@/lib/editor/stats';
import { Prisma } from '../db/generated/client';
import type { Tx } from '../db';
import { AUDIT, recordAudit, type AuditDataInput } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import type { PutResult } from '../storage';
import { VERSION_INCLUDE, versionAuthor } from './store';
import { assertGroundTruthEditable } from '../datasets/locked-members';
import { settleClaim } from './claim';

export interface PreparedMask {
  blob: PutResult;
  voxelCounts: LabelCounts;
  changedVoxels: number;
}

export interface CommitInput {
  actor: Actor;
  authorId: string;
  caseId: string;
  parentVersionId: string | null;
  source: 'MODEL' | 'EDIT' | 'IMPORT';
  asBranch?: boolean;
  takeOver?: boolean;
  message: string;
  prepared: PreparedMask;
  /** the shown prediction's mask, recorded as version 1 when the label has no version yet */
  model: (PreparedMask & { predictionId: string; modelVersionId: string }) | null;
  /** which version a restore came from */
  auditData?: Pick<AuditDataInput<typeof AUDIT.labelVersionCreate>, 'restoredFromId' | 'restoredFromNumber'>;
}

/** The transaction body of a save: compare-and-set on the head, then insert-only writes and their audit events. */
export async function commitVersion(tx: Tx, input: CommitInput) {
  await assertGroundTruthEditable(tx, input.caseId);
  await settleClaim(tx, input);
  const label = await ensureLabel(tx, input);
  // The conditional update is the compare-and-set: it matches only while the head is still the editor's parent, and
  // on PostgreSQL it row-locks the label so a concurrent save waits here and then matches nothing.
  const locked = await tx.label.updateMany({
    where: { id: label.id, ...(input.asBranch ? {} : { headVersionId: input.parentVersionId }) },
    data: { updatedAt: new Date() },
  });
  if (locked.count === 0) throw await conflictError(tx, label.id);
  let number = (await tx.labelVersion.aggregate({ where: { labelId: label.id }, _max: { number: true } }))._max.number ?? 0;
  const branch = !!input.asBranch && number > 0;
  let parentId = input.parentVersionId;
  if (parentId === null && number === 0 && input.model) {
    parentId = (await insertModelVersion(tx, input, label.id)).id;
    number = 1;
  } else if (parentId === null && branch) {
    // A branch of someone who started from the model: its parent is the model version the winner recorded.
    parentId =
      (await tx.labelVersion.findFirst({ where: { labelId: label.id, source: 'MODEL', parentId: null }, orderBy: { number: 'asc' } }))
        ?.id ?? null;
  }
  const version = await tx.labelVersion.create({
    data: {
      labelId: label.id,
      number: number + 1,
      parentId,
      authorId: input.authorId,
      blobKey: input.prepared.blob.key,
      sha256: input.prepared.blob.sha256,
      source: input.source,
      voxelCounts: input.prepared.voxelCounts,
      changedVoxels: input.prepared.changedVoxels,
      message: input.message,
    },
    include: VERSION_INCLUDE,
  });
  if (!branch) await moveHead(tx, label, version.id, input.actor);
  await recordAudit(tx, {
    actor: input.actor,
    action: branch ? AUDIT.labelVersionBranch : AUDIT.labelVersionCreate,
    entityId: version.id,
    data: {
      caseId: input.caseId,
      labelId: label.id,
      number: version.number,
      parentId,
      source: input.source,
      changedVoxels: version.changedVoxels,
      voxelCounts: input.prepared.voxelCounts,
      sha256: version.sha256,
      ...input.auditData,
    },
  });
  return version;
}

async function ensureLabel(tx: Tx, input: CommitInput) {
  const existing = await tx.label.findUnique({ where: { caseId: input.caseId } });
  if (existing) return existing;
  const label = await tx.label.create({ data: { caseId: input.caseId } });
  await recordAudit(tx, { actor: input.actor, action: AUDIT.labelCreate, entityId: label.id, data: { caseId: input.caseId } });
  return label;
}

async function insertModelVersion(tx: Tx, input: CommitInput, labelId: string) {
  const m = input.model!;
  const v = await tx.labelVersion.create({
    data: {
      labelId,
      number: 1,
      parentId: null,
      authorId: input.authorId,
      blobKey: m.blob.key,
      sha256: m.blob.sha256,
      source: 'MODEL',
      modelVersionId: m.modelVersionId,
      voxelCounts: m.voxelCounts,
      changedVoxels: m.changedVoxels,
      message: 'Production prediction',
    },
  });
  await recordAudit(tx, {
    actor: input.actor,
    action: AUDIT.labelVersionCreate,
    entityId: v.id,
    data: {
      caseId: input.caseId,
      labelId,
      number: 1,
      parentId: null,
      source: 'MODEL',
      predictionId: m.predictionId,
      voxelCounts: m.voxelCounts,
      sha256: v.sha256,
    },
  });
  return v;
}

/** A new head is a new draft: any pending review is withdrawn and an approval no longer describes the head. */
async function moveHead(tx: Tx, label: { id: string; status: string }, versionId: string, actor: Actor) {
  await tx.label.update({
    where: { id: label.id },
    data: { headVersionId: versionId, status: 'DRAFT', reviewerId: null, approvedAt: null, approvalDice: Prisma.DbNull },
  });
  if (label.status !== 'DRAFT')
    await recordAudit(tx, {
      actor,
      action: AUDIT.labelStatus,
      entityId: label.id,
      data: { from: label.status, to: 'DRAFT', reason: 'new version saved' },
    });
}

async function conflictError(tx: Tx, labelId: string): Promise<AppError> {
  const label = await tx.label.findUnique({
    where: { id: labelId },
    include: { headVersion: { include: VERSION_INCLUDE } },
  });
  const head = label?.headVersion;
  const who = head
    ? `version ${head.number} by ${versionAuthor(head).authorName} (${head.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`
    : 'another version';
  return new AppError(
    'CONFLICT',
    `This label changed while you were editing: ${who} is now the latest. Your edits are still here and have not been saved. Reload to continue from the latest version, or save yours as a branch to compare.`,
  );
}
