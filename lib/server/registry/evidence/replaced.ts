import 'server-only';
import { db } from '../../db';
import { AUDIT, auditReason, parseAuditData } from '../../audit';
import { currentProduction } from '../stage';
import type { AuditTrailEntry } from './types';

/**
 * The production model a version replaces. Once the version has been promoted to production, it is the one its
 * promotion archived (recorded in the promotion's audit event); before that, whatever serves production now, unless
 * that is the version itself (registered straight into production, it replaced nothing on record). The parent (the
 * model it was fine-tuned from) is lineage, not necessarily what it replaces: production may have moved on since.
 */
export async function replacedModel(modelVersionId: string) {
  const promotion = await db().auditEvent.findFirst({
    where: { action: AUDIT.modelPromoteProduction, entityType: 'ModelVersion', entityId: modelVersionId },
    orderBy: { createdAt: 'desc' },
  });
  if (promotion) {
    const previousId = parseAuditData(AUDIT.modelPromoteProduction, promotion.data)?.previousProductionId;
    return previousId ? db().modelVersion.findUnique({ where: { id: previousId } }) : null;
  }
  const production = await currentProduction();
  return production && production.id !== modelVersionId ? production : null;
}

/** Every audited change to the model version itself, oldest first: who did what, when, and the reason they gave. */
export async function modelAuditTrail(modelVersionId: string): Promise<AuditTrailEntry[]> {
  const events = await db().auditEvent.findMany({
    where: { entityType: 'ModelVersion', entityId: modelVersionId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 200,
    include: { actor: { select: { name: true, email: true } } },
  });
  return events.map((e) => ({
    at: e.createdAt.toISOString(),
    actor: e.actor ? `${e.actor.name} <${e.actor.email}>` : e.actorKind,
    action: e.action,
    reason: auditReason(e),
  }));
}
