import 'server-only';
import type { Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';

/**
 * A case claimed from the review queue is that radiologist's to correct. Another reader's save is refused (CLAIMED,
 * nothing stored, their mask stays in the editor) unless they confirm a take-over, which moves the claim to them and
 * is audited, so the first reader can see who took their case and when.
 */
export async function settleClaim(tx: Tx, input: { actor: Actor; authorId: string; caseId: string; takeOver?: boolean }): Promise<void> {
  const c = await tx.case.findUnique({ where: { id: input.caseId }, select: { assigneeId: true, assignee: { select: { name: true } } } });
  if (!c?.assigneeId || c.assigneeId === input.authorId) return;
  if (!input.takeOver) {
    throw new AppError(
      'CLAIMED',
      `${c.assignee?.name ?? 'Another radiologist'} has claimed this case. Nothing was saved and your edits are still here: take the case over to save them (the take-over is recorded), or leave it to them.`,
    );
  }
  const moved = await tx.case.updateMany({ where: { id: input.caseId, assigneeId: c.assigneeId }, data: { assigneeId: input.authorId } });
  if (moved.count === 0) throw new AppError('CONFLICT', 'The claim on this case changed while you were saving; try again.');
  await recordAudit(tx, {
    actor: input.actor,
    action: AUDIT.caseTakeover,
    entityId: input.caseId,
    data: { previousAssigneeId: c.assigneeId, assigneeId: input.authorId },
  });
}
