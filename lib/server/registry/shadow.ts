import 'server-only';
import { regionDice } from '@/lib/editor/stats';
import type { RegionName } from '@/lib/labels';
import { db } from '../db';
import { recordAudit } from '../audit';
import { SYSTEM } from '../auth/actor';
import { AppError } from '../errors';
import { loadCaseGrid } from '../labels/grid';
import { readPredictionMask } from '../labels/store';

/**
 * Agreement of a shadow (or canary) prediction with the production prediction of the same case: plain Dice per
 * region between the two masks. Stored append-only as a `shadow.agreement` event on the prediction (the prediction
 * row has no column for it; see the schema note in the report), so concurrent serving workers never overwrite each
 * other and a retried call finds the stored figures instead of writing twice.
 */
export interface Agreement {
  predictionId: string;
  productionPredictionId: string;
  caseId: string;
  modelVersionId: string;
  dice: Record<RegionName, number>;
}

export const AGREEMENT_ACTION = 'shadow.agreement';

export async function storedAgreements(predictionIds: string[]): Promise<Map<string, Agreement>> {
  if (predictionIds.length === 0) return new Map();
  const events = await db().auditEvent.findMany({ where: { action: AGREEMENT_ACTION, entityType: 'Prediction', entityId: { in: predictionIds } } });
  return new Map(events.map((e) => [e.entityId, e.data as unknown as Agreement]));
}

/**
 * Called by the serving job after a SHADOW or CANARY prediction is stored. Returns null when the case has no
 * production prediction yet (the serving job stores production first, so this means production failed on the case).
 */
export async function recordShadowAgreement(predictionId: string): Promise<Agreement | null> {
  const existing = (await storedAgreements([predictionId])).get(predictionId);
  if (existing) return existing;
  const p = await db().prediction.findUnique({ where: { id: predictionId } });
  if (!p) throw new AppError('NOT_FOUND', 'No such prediction.');
  if (p.role === 'PRODUCTION') throw new AppError('INVALID_INPUT', 'Agreement is measured for shadow and canary predictions, not production ones.');
  const prod = await db().prediction.findFirst({ where: { caseId: p.caseId, role: 'PRODUCTION', modelVersionId: { not: p.modelVersionId } }, orderBy: { createdAt: 'desc' } });
  if (!prod) return null;
  const grid = await loadCaseGrid(db(), p.caseId);
  const [mine, theirs] = await Promise.all([readPredictionMask(p, grid), readPredictionMask(prod, grid)]);
  const agreement: Agreement = { predictionId, productionPredictionId: prod.id, caseId: p.caseId, modelVersionId: p.modelVersionId, dice: regionDice(mine, theirs) };
  await db().$transaction((tx) => recordAudit(tx, { actor: SYSTEM, action: AGREEMENT_ACTION, entityType: 'Prediction', entityId: predictionId, data: { ...agreement } }));
  return agreement;
}
