import 'server-only';
import type { RegionName } from '@/lib/labels';
import { regionDice } from '@/lib/editor/stats';
import { db, type Tx } from '../db';
import { AUDIT, recordAudit, type AuditRecord } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { loadCaseGrid } from './grid';
import { shownPrediction, readPredictionMask, readVersionMask, TX_OPTIONS } from './store';
import { authorize, personId } from '../auth/authorize';
import { checkRetrainingTrigger, type TriggerResult } from '../datasets/trigger';

export const SINGLE_READER_SETTING = 'labels.singleReader';

export interface ReviewInput {
  actor: Actor;
  caseId: string;
  /** the head version the user looked at: a decision on anything else is refused with CONFLICT */
  versionId: string;
}

export interface LabelStatusDto {
  status: 'DRAFT' | 'IN_REVIEW' | 'RETURNED' | 'APPROVED';
  headVersionId: string | null;
  reviewComment: string | null;
  approvalDice: ApprovalDice | null;
}

/** Dice per region between the shown prediction (the model mask clinicians saw) and the approved mask, and which prediction it was. */
export type ApprovalDice = Record<RegionName, number> & { predictionId: string; modelVersion: string };

/** Hands the head version to a second reader. */
export async function submitForReview(input: ReviewInput): Promise<LabelStatusDto> {
  await authorize(input.actor, 'label:edit', { who: 'person' });
  return transition(input, ['DRAFT', 'RETURNED'], 'IN_REVIEW', {}, (decided) => ({ action: AUDIT.labelSubmit, data: decided }));
}

export interface ApprovalDto extends LabelStatusDto {
  /** What the retraining trigger did after this approval committed (it may have started retraining). */
  retraining: TriggerResult;
}

/**
 * Approves the head: it becomes the case's ground truth. Refused to anyone who edited the version chain, unless the
 * `labels.singleReader` setting is true. Stores Dice per region between the shown prediction (the model mask clinicians saw) and the approved mask.
 * Then checks the retraining trigger: an approval is what makes a drifter or flagged case pending.
 */
export async function approveLabel(input: ReviewInput): Promise<ApprovalDto> {
  const reviewerId = personId(await authorize(input.actor, 'label:review', { who: 'person' }));
  const label = await db().label.findUnique({ where: { caseId: input.caseId } });
  if (!label?.headVersionId) throw new AppError('NOT_FOUND', 'This case has no label to approve.');
  if (!(await isSingleReader()) && (await contributors(label.id, label.headVersionId)).has(reviewerId))
    throw new AppError('FORBIDDEN', 'You edited this label, so a second radiologist must approve it (single-reader mode is off).');
  const dice = await approvalDice(input.caseId, input.versionId);
  const status = await transition(
    input,
    ['IN_REVIEW'],
    'APPROVED',
    { reviewerId, approvedAt: new Date(), approvalDice: dice ?? undefined },
    (decided) => ({ action: AUDIT.labelApprove, data: { ...decided, dice } }),
  );
  // Here, after the commit, rather than in the callers, so that every path that approves (the editor's action, the
  // API, scripts, the scenario's reading room) triggers alike. Called directly rather than as a job enqueued with the
  // approval: the check counts pending cases, so one lost to a crash is made by the next approval or flag; it is
  // race-safe and never throws, so the approval stands whatever it reports; and a caller learns at once, not after a
  // worker's poll, whether this approval started retraining (the scenario's figures depend on the exact cases).
  const retraining = await checkRetrainingTrigger();
  return { ...status, retraining };
}

/** Sends the head back to its authors with a comment saying what to fix. */
export async function returnLabel(input: ReviewInput & { comment: string }): Promise<LabelStatusDto> {
  const reviewerId = personId(await authorize(input.actor, 'label:review', { who: 'person' }));
  const comment = input.comment.trim().slice(0, 2000);
  if (!comment)
    throw new AppError('INVALID_INPUT', 'Say what needs to change: a comment is required to return a label.', {
      fieldErrors: { comment: ['Required'] },
    });
  return transition(input, ['IN_REVIEW'], 'RETURNED', { reviewerId, reviewComment: comment }, (decided) => ({
    action: AUDIT.labelReturn,
    data: { ...decided, comment },
  }));
}

export async function isSingleReader(): Promise<boolean> {
  const s = await db().setting.findUnique({ where: { key: SINGLE_READER_SETTING } });
  return s?.value === true;
}

/**
 * Authors of the edits in the head's ancestry; the MODEL version is the model's work, not its recorder's. A restored
 * version is a new version by the restorer with the old one's voxels, so versions with the same voxels (sha256) and
 * their ancestry count too: restoring a colleague's branch does not make it the restorer's own work to approve.
 * Voxels identical to the model's prediction are the model's work whoever saved them.
 */
async function contributors(labelId: string, headId: string): Promise<Set<string>> {
  const versions = await db().labelVersion.findMany({
    where: { labelId },
    select: { id: true, parentId: true, authorId: true, source: true, sha256: true },
  });
  const byId = new Map(versions.map((v) => [v.id, v]));
  const bySha = new Map<string, typeof versions>();
  for (const v of versions) bySha.set(v.sha256, [...(bySha.get(v.sha256) ?? []), v]);
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const queue = [headId]; queue.length;) {
    const v = byId.get(queue.pop()!);
    if (!v || seen.has(v.id)) continue;
    seen.add(v.id);
    if (v.source !== 'MODEL') out.add(v.authorId);
    if (v.parentId) queue.push(v.parentId);
    const twins = bySha.get(v.sha256) ?? [];
    if (!twins.some((t) => t.source === 'MODEL')) queue.push(...twins.map((t) => t.id));
  }
  return out;
}

async function approvalDice(caseId: string, versionId: string): Promise<ApprovalDice | null> {
  const prediction = await shownPrediction(db(), caseId);
  if (!prediction) return null;
  const grid = await loadCaseGrid(db(), caseId);
  const version = await db().labelVersion.findFirst({ where: { id: versionId, label: { caseId } } });
  if (!version) throw new AppError('NOT_FOUND', 'No such label version for this case.');
  const [pred, approved] = await Promise.all([readPredictionMask(prediction, grid), readVersionMask(version, grid)]);
  return {
    ...regionDice(pred, approved),
    predictionId: prediction.id,
    modelVersion: `${prediction.modelVersion.name}@${prediction.modelVersion.version}`,
  };
}

type LabelUpdate = { reviewerId?: string; reviewComment?: string; approvedAt?: Date; approvalDice?: ApprovalDice };
type Decided = { caseId: string; versionId: string; from: string; to: string };
/** The decision's audit event, built from the status it left (known only inside the transaction). */
type DecisionAudit = (decided: Decided) => AuditRecord<typeof AUDIT.labelSubmit | typeof AUDIT.labelApprove | typeof AUDIT.labelReturn>;

/** Compare-and-set on (status, head): a decision on a label that moved on since the user looked is refused. */
async function transition(
  input: ReviewInput,
  from: string[],
  to: LabelStatusDto['status'],
  data: LabelUpdate,
  audit: DecisionAudit,
): Promise<LabelStatusDto> {
  return db().$transaction(async (tx: Tx) => {
    const label = await tx.label.findUnique({ where: { caseId: input.caseId } });
    if (!label) throw new AppError('NOT_FOUND', 'This case has no label yet.');
    if (label.headVersionId !== input.versionId)
      throw new AppError('CONFLICT', 'A newer version was saved since you opened this label; reload to see it before deciding.');
    if (!from.includes(label.status))
      throw new AppError(
        'CONFLICT',
        `This label is ${label.status.toLowerCase().replace('_', ' ')}; it cannot move to ${to.toLowerCase().replace('_', ' ')}.`,
      );
    const updated = await tx.label.updateMany({
      where: { id: label.id, status: label.status, headVersionId: input.versionId },
      data: { status: to, ...data },
    });
    if (updated.count === 0) throw new AppError('CONFLICT', 'This label changed while you were deciding; reload and try again.');
    await recordAudit(tx, {
      actor: input.actor,
      entityId: label.id,
      ...audit({ caseId: input.caseId, versionId: input.versionId, from: label.status, to }),
    });
    const after = await tx.label.findUniqueOrThrow({ where: { id: label.id } });
    return {
      status: after.status,
      headVersionId: after.headVersionId,
      reviewComment: after.reviewComment,
      approvalDice: (after.approvalDice as ApprovalDice | null) ?? null,
    };
  }, TX_OPTIONS);
}

export interface ApprovedLabelDto {
  caseId: string;
  labelId: string;
  versionId: string;
  number: number;
  blobKey: string;
  sha256: string;
  voxelCounts: Record<'1' | '2' | '3', number>;
  approvedAt: string;
  reviewerId: string | null;
  approvalDice: ApprovalDice | null;
}

/** The case's ground truth: the head version of an APPROVED label, or null. The only label datasets may use. */
export async function getApprovedLabel(caseId: string): Promise<ApprovedLabelDto | null> {
  const label = await db().label.findUnique({ where: { caseId }, include: { headVersion: true } });
  if (!label || label.status !== 'APPROVED' || !label.headVersion) return null;
  const v = label.headVersion;
  return {
    caseId,
    labelId: label.id,
    versionId: v.id,
    number: v.number,
    blobKey: v.blobKey,
    sha256: v.sha256,
    voxelCounts: v.voxelCounts as ApprovedLabelDto['voxelCounts'],
    approvedAt: (label.approvedAt ?? label.updatedAt).toISOString(),
    reviewerId: label.reviewerId,
    approvalDice: (label.approvalDice as ApprovalDice | null) ?? null,
  };
}
