import 'server-only';
import { diffMasks, type LabelDiff } from '@/lib/editor/stats';
import { db } from '../db';
import type { Actor } from '../auth/actor';
import { recordLockedCaseRead } from '../datasets/locked-members';
import { AppError } from '../errors';
import { loadCaseGrid } from './grid';
import { encodeMask } from './mask-codec';
import { isSingleReader, type ApprovalDice } from './review';
import { findCaseVersion, shownPrediction, readVersionMask } from './store';
import { listLabelVersions } from './versions';
import type { LabelVersionDto } from './store';

export interface LabelStateDto {
  caseId: string;
  label: {
    id: string;
    status: 'DRAFT' | 'IN_REVIEW' | 'RETURNED' | 'APPROVED';
    headVersionId: string | null;
    reviewComment: string | null;
    reviewerName: string | null;
    approvedAt: string | null;
    approvalDice: ApprovalDice | null;
  } | null;
  versions: LabelVersionDto[];
  /** the returned prediction, production's or the canary's (what the editor opens when there is no version yet) */
  prediction: { id: string; sha256: string; modelVersion: string } | null;
  singleReader: boolean;
}

/** Everything the editor and its history/review panels show for a case; a locked hold-out member's read is audited. */
export async function getLabelState(actor: Actor, caseId: string): Promise<LabelStateDto> {
  const c = await db().case.findUnique({ where: { id: caseId }, select: { id: true } });
  if (!c) throw new AppError('NOT_FOUND', 'No such case.');
  await recordLockedCaseRead(actor, caseId, 'EDITOR');
  const [label, versions, prediction, singleReader] = await Promise.all([
    db().label.findUnique({ where: { caseId }, include: { reviewer: { select: { name: true } } } }),
    listLabelVersions(caseId),
    shownPrediction(db(), caseId),
    isSingleReader(),
  ]);
  return {
    caseId,
    label: label && {
      id: label.id,
      status: label.status,
      headVersionId: label.headVersionId,
      reviewComment: label.reviewComment,
      reviewerName: label.reviewer?.name ?? null,
      approvedAt: label.approvedAt?.toISOString() ?? null,
      approvalDice: (label.approvalDice as ApprovalDice | null) ?? null,
    },
    versions,
    prediction: prediction && {
      id: prediction.id,
      sha256: prediction.maskSha256,
      modelVersion: `${prediction.modelVersion.name}@${prediction.modelVersion.version}`,
    },
    singleReader,
  };
}

export interface VersionDiff {
  diff: LabelDiff;
  /** NIfTI on the case grid: 1 = added, 2 = removed, 3 = relabelled (see lib/editor/stats DIFF_*) */
  overlay: Uint8Array;
}

/** What changed from one version to another, per label, with an overlay mask to show it. */
export async function diffLabelVersions(actor: Actor, caseId: string, fromId: string, toId: string): Promise<VersionDiff> {
  const grid = await loadCaseGrid(db(), caseId);
  const [from, to] = await Promise.all([findCaseVersion(db(), caseId, fromId), findCaseVersion(db(), caseId, toId)]);
  for (const v of [from, to]) await recordLockedCaseRead(actor, caseId, 'DIFF', v.id);
  const [a, b] = await Promise.all([readVersionMask(from, grid), readVersionMask(to, grid)]);
  const { diff, overlay } = diffMasks(a, b);
  return { diff, overlay: encodeMask(overlay, grid) };
}
