import 'server-only';
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { WORKER } from '../auth/actor';

/**
 * Makes `predictionId` the one mask clinicians see for the case, and no other. Each prediction is stored with the
 * plan's intent, but a retry may meet a different plan (a canary rolled back, a new production promoted between two
 * attempts) and a failed canary leaves production to answer: without this a case could show two masks or none.
 * Audited when it changes anything.
 */
export async function showOnly(caseId: string, predictionId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const wrong = await tx.prediction.findMany({
      where: {
        caseId,
        OR: [
          { returned: true, id: { not: predictionId } },
          { id: predictionId, returned: false },
        ],
      },
      select: { id: true, returned: true },
    });
    if (wrong.length === 0) return;
    const hidden = wrong.filter((p) => p.returned).map((p) => p.id);
    if (hidden.length) await tx.prediction.updateMany({ where: { id: { in: hidden } }, data: { returned: false } });
    await tx.prediction.update({ where: { id: predictionId }, data: { returned: true } });
    await recordAudit(tx, { actor: WORKER, action: AUDIT.predictionShown, entityId: caseId, data: { predictionId, hidden } });
  });
}
