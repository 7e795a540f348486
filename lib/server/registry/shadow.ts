import 'server-only';
import { regionDice } from '@/lib/editor/stats';
import type { RegionName } from '@/lib/labels';
import { db, isUniqueViolation } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { SYSTEM } from '../auth/actor';
import { AppError } from '../errors';
import { loadCaseGrid } from '../labels/grid';
import { readPredictionMask } from '../labels/store';

/**
 * Agreement of a shadow (or canary) prediction with the production prediction of the same case: plain Dice per
 * region between the two masks, one `ShadowAgreement` row per prediction (its unique key means concurrent serving
 * workers never store it twice, and a retried call finds the stored figures). The audit log records that it was
 * measured.
 */
export interface Agreement {
  predictionId: string;
  productionPredictionId: string;
  caseId: string;
  modelVersionId: string;
  dice: Record<RegionName, number>;
}

type AgreementRow = {
  predictionId: string;
  productionPredictionId: string;
  caseId: string;
  modelVersionId: string;
  diceWT: number;
  diceTC: number;
  diceET: number;
};

function toAgreement(r: AgreementRow): Agreement {
  return {
    predictionId: r.predictionId,
    productionPredictionId: r.productionPredictionId,
    caseId: r.caseId,
    modelVersionId: r.modelVersionId,
    dice: { WT: r.diceWT, TC: r.diceTC, ET: r.diceET },
  };
}

export async function storedAgreements(predictionIds: string[]): Promise<Map<string, Agreement>> {
  if (predictionIds.length === 0) return new Map();
  const rows = await db().shadowAgreement.findMany({ where: { predictionId: { in: predictionIds } } });
  return new Map(rows.map((r) => [r.predictionId, toAgreement(r)]));
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
  if (p.role === 'PRODUCTION')
    throw new AppError('INVALID_INPUT', 'Agreement is measured for shadow and canary predictions, not production ones.');
  const prod = await db().prediction.findFirst({
    where: { caseId: p.caseId, role: 'PRODUCTION', modelVersionId: { not: p.modelVersionId } },
    orderBy: { createdAt: 'desc' },
  });
  if (!prod) return null;
  const grid = await loadCaseGrid(db(), p.caseId);
  const [mine, theirs] = await Promise.all([readPredictionMask(p, grid), readPredictionMask(prod, grid)]);
  const agreement: Agreement = {
    predictionId,
    productionPredictionId: prod.id,
    caseId: p.caseId,
    modelVersionId: p.modelVersionId,
    dice: regionDice(mine, theirs),
  };
  const { dice, ...refs } = agreement;
  try {
    await db().$transaction(async (tx) => {
      await tx.shadowAgreement.create({ data: { ...refs, diceWT: dice.WT, diceTC: dice.TC, diceET: dice.ET } });
      await recordAudit(tx, { actor: SYSTEM, action: AUDIT.shadowAgreement, entityId: predictionId, data: refs });
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return (await storedAgreements([predictionId])).get(predictionId)!;
  }
  return agreement;
}
