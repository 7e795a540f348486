import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { WORKER, type Actor } from '../auth/actor';

const MAX_ERROR = 4_000;

/**
 * Records a run that ended without a model. Only a run still QUEUED or RUNNING changes status; a cancelled run keeps
 * CANCELLED and just gets its log. Returns whether the status changed.
 */
export async function finishRun(
  runId: string,
  outcome: { status: 'FAILED' | 'CANCELLED'; error?: string; logBlobKey?: string | null; logTail?: string },
  actor: Actor = WORKER,
): Promise<boolean> {
  const error = outcome.error ? outcome.error.slice(0, MAX_ERROR) : null;
  return db().$transaction(async (tx) => {
    const logData = {
      ...(outcome.logBlobKey ? { logBlobKey: outcome.logBlobKey } : {}),
      ...(outcome.logTail !== undefined ? { logTail: outcome.logTail } : {}),
    };
    const { count } = await tx.workflowRun.updateMany({
      where: { id: runId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: outcome.status, error, finishedAt: new Date(), ...logData },
    });
    if (count === 0) {
      // Already final (cancelled by a user, or finished by the upload endpoint): keep its status, attach the log.
      if (Object.keys(logData).length) await tx.workflowRun.updateMany({ where: { id: runId, logBlobKey: null }, data: logData });
      return false;
    }
    await recordAudit(tx, {
      actor,
      action: outcome.status === 'FAILED' ? AUDIT.runFail : AUDIT.runCancel,
      entityId: runId,
      data: { error },
    });
    return true;
  });
}
