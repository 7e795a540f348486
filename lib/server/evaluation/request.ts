import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { enqueueEvaluation } from './jobs';

/**
 * An ML engineer asks for a (re-)evaluation, e.g. after production or the criteria changed. The job and its audit
 * event commit together. Only models still on their way to production are worth evaluating.
 */
export async function requestEvaluation(actor: Actor, modelVersionId: string): Promise<{ jobId: string }> {
  await authorize(actor, 'model:promote');
  const m = await db().modelVersion.findUnique({ where: { id: modelVersionId } });
  if (!m) throw new AppError('NOT_FOUND', 'No such model version.');
  if (!['CANDIDATE', 'SHADOW', 'CANARY'].includes(m.stage))
    throw new AppError('CONFLICT', `This model is ${m.stage}: only candidates, shadow and canary models are evaluated.`);
  return db().$transaction(async (tx) => {
    const { jobId } = await enqueueEvaluation(m.id, { tx });
    await recordAudit(tx, { actor, action: AUDIT.evaluationRequest, entityId: m.id, data: { jobId } });
    return { jobId };
  });
}
