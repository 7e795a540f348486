import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';

/**
 * Marks a queued or running run CANCELLED. The runner notices at its next progress flush (about a second) and stops
 * the work: the local trainer's process group is killed, a GitHub run is cancelled through the API.
 */
export async function cancelRun(actor: Actor, runId: string): Promise<{ status: 'CANCELLED' }> {
  await authorize(actor, 'run:start');
  return db().$transaction(async (tx) => {
    const run = await tx.workflowRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (!run) throw new AppError('NOT_FOUND', 'No such run.');
    const { count } = await tx.workflowRun.updateMany({
      where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    if (count === 0) throw new AppError('CONFLICT', `This run has already ended (${run.status}).`);
    await recordAudit(tx, { actor, action: AUDIT.runCancel, entityId: runId, data: { from: run.status } });
    return { status: 'CANCELLED' as const };
  });
}
