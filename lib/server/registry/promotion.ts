import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { verifyPassword } from '../auth/passwords';
import type { Actor } from '../auth/actor';
import { getActiveCriteria } from '../evaluation/criteria';
import { latestFinishedEvaluation } from '../evaluation/queries';
import { lockedGroundTruth } from '../evaluation/cases';
import { authorize } from '../auth/authorize';
import { assertTransition } from './transitions';
import { changeStage, currentProduction, endDeployments, findModel } from './stage';
import { deploymentReport } from './monitoring';
import { canaryAtSigning, notAnswering } from './canary';
import { collectEvidence } from './evidence/collect';
import { storeEvidence } from './evidence/store';
import type { StageChangeDto } from './rollback';

/**
 * Promotion steps (ML engineers only; each one audited with actor, time and reason in the same transaction as the
 * stage change, and each one freezes an evidence report first):
 *   CANDIDATE -> SHADOW   needs a PASSING evaluation against the current production under the current criteria;
 *   SHADOW -> CANARY      at a traffic share (1-50%), one canary at a time;
 *   CANARY -> PRODUCTION  needs the approver's password again (a signature) and a reason; the canary's rollback rule
 *                         must not fire, and a canary short of the rule's cases needs the approver's confirmation;
 *                         archives the old production.
 * The evaluation gate is re-checked at every step: if production (a rollback), the criteria or the ground truth of a
 * locked hold-out changed meanwhile, the model must be evaluated again before it moves on.
 */
const dto = (m: { id: string; name: string; version: string }, stage: string): StageChangeDto => ({
  id: m.id,
  name: m.name,
  version: m.version,
  stage,
});

function reasonOf(reason: string): string {
  const r = (reason ?? '').trim();
  if (r.length < 3)
    throw new AppError('INVALID_INPUT', 'Give a reason (it is kept in the audit trail).', { fieldErrors: { reason: ['Give a reason'] } });
  return r.slice(0, 2000);
}

/** The gate: the newest finished evaluation against today's production, under today's criteria and today's locked ground truth, must have passed. */
export async function assertPassingEvaluation(modelVersionId: string) {
  const production = await currentProduction();
  if (!production) throw new AppError('CONFLICT', 'No model is in production: a shadow deployment needs one to compare against.');
  const ev = await latestFinishedEvaluation(modelVersionId, production.id);
  const label = `${production.name}@${production.version}`;
  if (!ev)
    throw new AppError(
      'CONFLICT',
      `This model has no finished evaluation against the production model ${label}: run the evaluation first.`,
    );
  const criteria = await getActiveCriteria();
  if (ev.criteriaId !== criteria.id)
    throw new AppError(
      'CONFLICT',
      `The latest evaluation used criteria v${ev.criteriaVersion}; the current criteria are v${criteria.version}: evaluate again.`,
    );
  if (ev.verdict !== 'PASS')
    throw new AppError('CONFLICT', `The latest evaluation against ${label} FAILED its acceptance criteria: the model cannot be promoted.`);
  if (ev.criteria?.lockedGroundTruthSha256 !== (await lockedGroundTruth()))
    throw new AppError(
      'CONFLICT',
      'The ground truth of a locked hold-out changed since this evaluation (a label was corrected, or its approval withdrawn): evaluate again.',
    );
  return ev;
}

export async function promoteToShadow(actor: Actor, input: { modelVersionId: string; reason: string }): Promise<StageChangeDto> {
  await authorize(actor, 'model:promote', { who: 'signed-in user' });
  const reason = reasonOf(input.reason);
  const m = await findModel(db(), input.modelVersionId);
  assertTransition('shadow', m.stage);
  const ev = await assertPassingEvaluation(m.id);
  const evidence = await storeEvidence(await collectEvidence(m.id, { step: 'shadow', evaluation: ev }));
  return db().$transaction(async (tx) => {
    const stage = await changeStage(tx, m.id, 'shadow', 'CANDIDATE');
    const d = await tx.deployment.create({ data: { modelVersionId: m.id, mode: 'SHADOW', trafficPercent: 0 } });
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelPromoteShadow,
      entityId: m.id,
      data: { reason, from: 'CANDIDATE', to: stage, evaluationId: ev.id, deploymentId: d.id, evidence },
    });
    return dto(m, stage);
  });
}

export async function promoteToCanary(
  actor: Actor,
  input: { modelVersionId: string; trafficPercent: number; reason: string },
): Promise<StageChangeDto> {
  await authorize(actor, 'model:promote', { who: 'signed-in user' });
  const reason = reasonOf(input.reason);
  const pct = input.trafficPercent;
  if (!Number.isInteger(pct) || pct < 1 || pct > 50)
    throw new AppError('INVALID_INPUT', 'The canary share must be a whole percentage from 1 to 50.', {
      fieldErrors: { trafficPercent: ['1 to 50'] },
    });
  const m = await findModel(db(), input.modelVersionId);
  assertTransition('canary', m.stage);
  const ev = await assertPassingEvaluation(m.id); // production or the criteria may have changed while it was in shadow
  const { config } = await getActiveCriteria();
  const shadow = await deploymentReport(m.id, 'SHADOW', config.shadow.disagreementDice);
  if (shadow.failedCases > 0) throw new AppError('CONFLICT', notAnswering('shadow', shadow.failedCases));
  const evidence = await storeEvidence(await collectEvidence(m.id, { step: 'canary', evaluation: ev }));
  return db().$transaction(async (tx) => {
    const other = await tx.deployment.findFirst({ where: { mode: 'CANARY', endedAt: null } });
    if (other) throw new AppError('CONFLICT', 'Another model is in canary: end or promote it first (one canary at a time).');
    const stage = await changeStage(tx, m.id, 'canary', 'SHADOW');
    await endDeployments(tx, m.id, `promoted to canary: ${reason}`, { report: shadow });
    const d = await tx.deployment.create({ data: { modelVersionId: m.id, mode: 'CANARY', trafficPercent: pct } });
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelPromoteCanary,
      entityId: m.id,
      data: { reason, from: 'SHADOW', to: stage, trafficPercent: pct, deploymentId: d.id, evaluationId: ev.id, evidence },
    });
    return dto(m, stage);
  });
}

/** Re-asks the approver's password: the promotion is signed by the person, not by whoever holds their session. */
async function verifySignature(actor: Actor, userId: string, password: string, modelVersionId: string) {
  const user = await db().user.findUnique({ where: { id: userId } });
  if (user && user.active && password && (await verifyPassword(password, user.passwordHash))) return user;
  await db().$transaction((tx) =>
    recordAudit(tx, { actor, action: AUDIT.modelApprovalSignatureFailed, entityId: modelVersionId, data: {} }),
  );
  throw new AppError('INVALID_INPUT', 'The password is incorrect: the approval was not signed and nothing changed.', {
    fieldErrors: { password: ['Incorrect password'] },
  });
}

export interface ProductionPromotionInput {
  modelVersionId: string;
  password: string;
  reason: string;
  /** the approver confirms promoting a canary that has answered fewer cases than its rollback rule needs */
  confirmShortCanary?: boolean;
}

export async function promoteToProduction(actor: Actor, input: ProductionPromotionInput): Promise<StageChangeDto> {
  const user = await authorize(actor, 'model:promote', { who: 'signed-in user' });
  const reason = reasonOf(input.reason);
  const m = await findModel(db(), input.modelVersionId);
  assertTransition('production', m.stage);
  const ev = await assertPassingEvaluation(m.id);
  const { config } = await getActiveCriteria();
  const canary = await deploymentReport(m.id, 'CANARY', config.shadow.disagreementDice);
  const canaryRecord = canaryAtSigning(canary, config.canary, input.confirmShortCanary === true);
  const signer = await verifySignature(actor, user.id, input.password, m.id);
  const previous = await currentProduction();
  const at = new Date();
  const evidence = await storeEvidence(
    await collectEvidence(m.id, {
      step: 'production',
      now: at,
      evaluation: ev,
      approval: { approver: signer.name, email: signer.email, role: signer.role, at: at.toISOString(), reason, canary: canaryRecord },
      previousProduction: previous ? { id: previous.id, name: previous.name, version: previous.version, stage: 'ARCHIVED' } : null,
    }),
  );
  return db().$transaction(async (tx) => {
    const stage = await changeStage(tx, m.id, 'production', 'CANARY');
    if (previous) {
      await changeStage(tx, previous.id, 'archive', 'PRODUCTION');
      await recordAudit(tx, {
        actor,
        action: AUDIT.modelArchive,
        entityId: previous.id,
        data: { reason: `replaced by ${m.name}@${m.version}`, from: 'PRODUCTION', to: 'ARCHIVED', replacedBy: m.id },
      });
    }
    await endDeployments(tx, m.id, `promoted to production: ${reason}`, { report: canary });
    const approval = await tx.approval.create({
      data: { modelVersionId: m.id, approverId: signer.id, decision: 'APPROVED', reason, evidenceBlobKey: evidence.htmlKey, createdAt: at },
    });
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelPromoteProduction,
      entityId: m.id,
      data: {
        reason,
        from: 'CANARY',
        to: stage,
        previousProductionId: previous?.id ?? null,
        approvalId: approval.id,
        signature: 'password-verified',
        canary: canaryRecord,
        evaluationId: ev.id,
        evidence,
      },
    });
    return dto(m, stage);
  });
}

/** Takes a model out of the pipeline (CANDIDATE, SHADOW or CANARY -> REJECTED), ending its deployments. */
export async function rejectModel(actor: Actor, input: { modelVersionId: string; reason: string }): Promise<StageChangeDto> {
  await authorize(actor, 'model:promote', { who: 'signed-in user' });
  const reason = reasonOf(input.reason);
  return db().$transaction(async (tx) => {
    const m = await findModel(tx, input.modelVersionId);
    const stage = await changeStage(tx, m.id, 'reject', m.stage);
    const ended = await endDeployments(tx, m.id, `rejected: ${reason}`);
    await recordAudit(tx, {
      actor,
      action: AUDIT.modelReject,
      entityId: m.id,
      data: { reason, from: m.stage, to: stage, deploymentIds: ended.map((d) => d.id) },
    });
    return dto(m, stage);
  });
}
