'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/server/actions';
import { promoteToCanary, promoteToProduction, promoteToShadow, rejectModel } from '@/lib/server/registry/promotion';
import { rollbackCanary, rollbackProduction, type StageChangeDto } from '@/lib/server/registry/rollback';
import { requestEvaluation } from '@/lib/server/evaluation/request';
import { comparisonCase, type ComparisonCaseDto } from '@/lib/server/evaluation/compare';
import type { ActionResult } from '@/lib/action-result';

// Promotion steps: the domain functions check the role again, verify the signature and write the audit events.

const id = z.string().min(1).max(100);
const reason = z.string().trim().min(3, 'Give a reason (it is kept in the audit trail)').max(2000);

function revalidateModels(modelVersionId?: string) {
  revalidatePath('/models');
  revalidatePath('/models/compare');
  if (modelVersionId) revalidatePath(`/models/${modelVersionId}`);
}

async function after<T>(modelVersionId: string | undefined, p: Promise<T>): Promise<T> {
  const out = await p;
  revalidateModels(modelVersionId);
  return out;
}

export async function promoteToShadowAction(input: { modelVersionId: string; reason: string }): Promise<ActionResult<StageChangeDto>> {
  return runAction('model:promote', z.object({ modelVersionId: id, reason }), input, (user, d) =>
    after(d.modelVersionId, promoteToShadow(user, d)),
  );
}

export async function promoteToCanaryAction(input: {
  modelVersionId: string;
  trafficPercent: number;
  reason: string;
}): Promise<ActionResult<StageChangeDto>> {
  const schema = z.object({ modelVersionId: id, trafficPercent: z.coerce.number().int().min(1).max(50), reason });
  return runAction('model:promote', schema, input, (user, d) => after(d.modelVersionId, promoteToCanary(user, d)));
}

export async function promoteToProductionAction(input: {
  modelVersionId: string;
  password: string;
  reason: string;
  confirmShortCanary?: boolean;
}): Promise<ActionResult<StageChangeDto>> {
  const schema = z.object({
    modelVersionId: id,
    password: z.string().min(1, 'Enter your password to sign').max(200),
    reason,
    confirmShortCanary: z.boolean().optional(),
  });
  return runAction('model:promote', schema, input, (user, d) => after(d.modelVersionId, promoteToProduction(user, d)));
}

export async function rollbackProductionAction(input: {
  modelVersionId: string;
  reason: string;
}): Promise<ActionResult<{ rolledBack: StageChangeDto; restored: StageChangeDto }>> {
  return runAction('model:promote', z.object({ modelVersionId: id, reason }), input, (user, d) =>
    after(d.modelVersionId, rollbackProduction(user, d)),
  );
}

export async function rollbackCanaryAction(input: { modelVersionId: string; reason: string }): Promise<ActionResult<StageChangeDto>> {
  return runAction('model:promote', z.object({ modelVersionId: id, reason }), input, (user, d) =>
    after(d.modelVersionId, rollbackCanary(user, d)),
  );
}

export async function rejectModelAction(input: { modelVersionId: string; reason: string }): Promise<ActionResult<StageChangeDto>> {
  return runAction('model:promote', z.object({ modelVersionId: id, reason }), input, (user, d) =>
    after(d.modelVersionId, rejectModel(user, d)),
  );
}

export async function requestEvaluationAction(input: { modelVersionId: string }): Promise<ActionResult<{ jobId: string }>> {
  return runAction('model:promote', z.object({ modelVersionId: id }), input, (user, d) =>
    after(d.modelVersionId, requestEvaluation(user, d.modelVersionId)),
  );
}

export async function getComparisonCaseAction(input: { evaluationId: string; caseId: string }): Promise<ActionResult<ComparisonCaseDto>> {
  return runAction('model:view', z.object({ evaluationId: id, caseId: id }), input, (_user, d) => comparisonCase(d.evaluationId, d.caseId));
}
