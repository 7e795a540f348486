import 'server-only';
import { db } from '../db';
import { listLabelVersions } from './versions';

export interface CaseLabelDto {
  status: 'DRAFT' | 'IN_REVIEW' | 'RETURNED' | 'APPROVED';
  headNumber: number | null;
  /** who approved the head, and when (APPROVED only) */
  reviewerName: string | null;
  approvedAt: string | null;
  /** every version, newest first, for the case viewer's mask menu (masks stream through the blob route, audited there) */
  versions: { id: string; number: number; sha256: string; authorName: string; isHead: boolean }[];
}

/**
 * The case's label as the case page shows it to every role that may view the case: its review state and its versions.
 * null when nobody has saved a label yet (the case then shows the prediction only).
 */
export async function caseLabelSummary(caseId: string): Promise<CaseLabelDto | null> {
  const label = await db().label.findUnique({ where: { caseId }, include: { reviewer: { select: { name: true } } } });
  if (!label) return null;
  const versions = await listLabelVersions(caseId);
  const approved = label.status === 'APPROVED';
  return {
    status: label.status,
    headNumber: versions.find((v) => v.isHead)?.number ?? null,
    reviewerName: approved ? (label.reviewer?.name ?? null) : null,
    approvedAt: approved ? (label.approvedAt?.toISOString() ?? null) : null,
    versions: versions.map((v) => ({ id: v.id, number: v.number, sha256: v.sha256, authorName: v.authorName, isHead: v.isHead })),
  };
}
