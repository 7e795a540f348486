import 'server-only';
import { db } from '../db';
import { AUDIT, parseAuditData, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { changeStage, currentProduction, endDeployments, findModel } from './stage';

/**
 * Rollbacks. A canary is rolled back by an ML engineer or automatically (system actor) and becomes REJECTED; a
 * production model is rolled back in one action by an ML engineer: it becomes REJECTED and the version it replaced
 * (recorded on its promotion event) is restored from ARCHIVED. Both audited in the same transaction.
 */
export interface StageChangeDto {
  id: string;
  name: string;
  version: string;
  stage: string;
}

function reasonOf(reason: string): string {
  const r = reason.trim();
  if (r.length < 3) throw new AppError('INVALID_INPUT', 'Give a reason (it is kept in the audit trail).');
  return r.slice(0, 2000);
}

export async function rollbackCanary(
  actor: Actor,
  input: { modelVersionId: string; reason: string; stats?: object },
): Promise<StageChangeDto> {
  if (actor.kind !== 'system') await authorize(actor, 'model:promote', { who: 'signed-in user' });
  const reason = reasonOf(input.reason);
  return db().$transaction(async (tx) => {
    const m = await findModel(tx, input.modelVersionId);
    if (m.stage !== 'CANARY') throw new AppError('CONFLICT', `This model is ${m.stage}, not in canary: nothing to roll back.`);
    const stage = await changeStage(tx, m.id, 'reject', 'CANARY');
    const ended = await endDeployments(tx, m.id, `rolled back: ${reason}`, input.stats);
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelCanaryRollback,
      entityId: m.id,
      data: { reason, automatic: actor.kind === 'system', from: 'CANARY', to: stage, deploymentIds: ended.map((d) => d.id) },
    });
    return { id: m.id, name: m.name, version: m.version, stage };
  });
}

/** The version the current production replaced, from its promotion event. */
export async function previousProductionOf(modelVersionId: string): Promise<string | null> {
  const ev = await db().auditEvent.findFirst({
    where: { action: AUDIT.modelPromoteProduction, entityType: 'ModelVersion', entityId: modelVersionId },
    orderBy: { createdAt: 'desc' },
  });
  return (ev && parseAuditData(AUDIT.modelPromoteProduction, ev.data)?.previousProductionId) ?? null;
}

/**
 * Rolls back the production model `modelVersionId` (the one the engineer is looking at) to the version it replaced.
 * Refused when another model has become production meanwhile: the reason was written about this one.
 */
export async function rollbackProduction(
  actor: Actor,
  input: { modelVersionId: string; reason: string },
): Promise<{ rolledBack: StageChangeDto; restored: StageChangeDto }> {
  const user = await authorize(actor, 'model:promote', { who: 'signed-in user' });
  const reason = reasonOf(input.reason);
  const current = await currentProduction();
  if (!current) throw new AppError('CONFLICT', 'No model is in production.');
  if (current.id !== input.modelVersionId)
    throw new AppError(
      'CONFLICT',
      `${current.name}@${current.version} is in production now, not the model you are rolling back: reload and decide again.`,
    );
  const previousId = await previousProductionOf(current.id);
  if (!previousId)
    throw new AppError(
      'CONFLICT',
      `${current.name}@${current.version} did not replace a production model through the registry: there is nothing to roll back to.`,
    );
  return db().$transaction(async (tx) => {
    const previous = await findModel(tx, previousId);
    if (previous.stage !== 'ARCHIVED')
      throw new AppError(
        'CONFLICT',
        `The previous production ${previous.name}@${previous.version} is ${previous.stage}, not ARCHIVED: it cannot be restored.`,
      );
    const rolledStage = await changeStage(tx, current.id, 'rollback', 'PRODUCTION');
    const restoredStage = await changeStage(tx, previous.id, 'restore', 'ARCHIVED');
    const approval = await tx.approval.create({ data: { modelVersionId: current.id, approverId: user.id, decision: 'REJECTED', reason } });
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelRollback,
      entityId: current.id,
      data: { reason, from: 'PRODUCTION', to: rolledStage, restoredId: previous.id, approvalId: approval.id },
    });
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelRestore,
      entityId: previous.id,
      data: { reason, from: 'ARCHIVED', to: restoredStage, replacedId: current.id },
    });
    return {
      rolledBack: { id: current.id, name: current.name, version: current.version, stage: rolledStage },
      restored: { id: previous.id, name: previous.name, version: previous.version, stage: restoredStage },
    };
  });
}
