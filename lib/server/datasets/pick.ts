import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { addCasesToDataset, type MembershipChangeDto } from './members';

export interface UnapprovedCaseDto {
  caseId: string;
  externalId: string;
  /** DRAFT, IN_REVIEW, or null when the case was never labelled */
  labelStatus: string | null;
}

export type PickResultDto =
  | ({ status: 'added' } & MembershipChangeDto)
  /** nothing was added: these cases have no approved label, and the ML engineer has not confirmed adding them */
  | { status: 'needs-confirmation'; datasetId: string; unapproved: UnapprovedCaseDto[] };

export const MAX_PICKED = 500;

/**
 * Adds cases picked from the case list or the review queue. A case without an approved label cannot be trained on
 * or scored until a radiologist approves one (snapshots and evaluations skip it), so adding one needs the ML
 * engineer's explicit confirmation: without it nothing changes and the unapproved cases come back to show; with it
 * they are added and named in the audit event.
 */
export async function pickCasesForDataset(
  actor: Actor,
  input: { datasetId: string; caseIds: string[]; confirmUnapproved: boolean },
): Promise<PickResultDto> {
  await authorize(actor, 'dataset:manage');
  const caseIds = [...new Set(input.caseIds)];
  if (caseIds.length === 0) throw new AppError('INVALID_INPUT', 'Pick at least one case.');
  if (caseIds.length > MAX_PICKED) throw new AppError('INVALID_INPUT', `Pick at most ${MAX_PICKED} cases at a time.`);
  return db().$transaction(async (tx) => {
    const cases = await tx.case.findMany({
      where: { id: { in: caseIds } },
      select: { id: true, externalId: true, label: { select: { status: true } } },
      orderBy: { externalId: 'asc' },
    });
    if (cases.length !== caseIds.length) throw new AppError('NOT_FOUND', 'Some of these cases do not exist.');
    const unapproved = cases
      .filter((c) => c.label?.status !== 'APPROVED')
      .map((c) => ({ caseId: c.id, externalId: c.externalId, labelStatus: c.label?.status ?? null }));
    if (unapproved.length && !input.confirmUnapproved) {
      // Still refuse what would be refused anyway (unknown or locked dataset) before asking for a confirmation.
      const d = await tx.dataset.findUnique({ where: { id: input.datasetId }, select: { name: true, locked: true } });
      if (!d) throw new AppError('NOT_FOUND', 'No such dataset.');
      if (d.locked) throw new AppError('CONFLICT', `Dataset "${d.name}" is locked: its membership is frozen.`);
      return { status: 'needs-confirmation', datasetId: input.datasetId, unapproved };
    }
    const out = await addCasesToDataset(
      actor,
      { datasetId: input.datasetId, caseIds, unapprovedConfirmed: unapproved.map((u) => u.caseId) },
      tx,
    );
    return { status: 'added', ...out };
  });
}
