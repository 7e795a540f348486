import 'server-only';
import { db } from '../db';
import { AUDIT, auditReason, parseAuditData } from '../audit';

/**
 * Which version served production when, rebuilt from the audit trail (the only record that keeps every change):
 * a registration straight into PRODUCTION, a promotion, or a rollback's restore each start a period; the next one
 * ends it.
 */
export interface ProductionPeriod {
  modelVersionId: string;
  label: string;
  from: string;
  to: string | null;
  how: 'registered' | 'promoted' | 'restored by rollback';
  actor: string;
  reason: string | null;
}

const ACTIONS = [AUDIT.modelRegister, AUDIT.modelPromoteProduction, AUDIT.modelRestore];

/** A registration starts a period only when it went straight into PRODUCTION; a promotion or a restore always does. */
function startsPeriod(e: { action: string; data: unknown }): boolean {
  return e.action !== AUDIT.modelRegister || parseAuditData(AUDIT.modelRegister, e.data)?.stage === 'PRODUCTION';
}

function how(action: string): ProductionPeriod['how'] {
  return action === AUDIT.modelRegister ? 'registered' : action === AUDIT.modelRestore ? 'restored by rollback' : 'promoted';
}

export async function productionHistory(): Promise<ProductionPeriod[]> {
  const events = await db().auditEvent.findMany({
    where: { entityType: 'ModelVersion', action: { in: ACTIONS } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { actor: { select: { email: true } } },
  });
  const starts = events.filter(startsPeriod);
  const models = await db().modelVersion.findMany({
    where: { id: { in: starts.map((e) => e.entityId) } },
    select: { id: true, name: true, version: true },
  });
  const label = new Map(models.map((m) => [m.id, `${m.name}@${m.version}`]));
  const periods = starts.map((e, i): ProductionPeriod => ({
    modelVersionId: e.entityId,
    label: label.get(e.entityId) ?? e.entityId,
    from: e.createdAt.toISOString(),
    to: starts[i + 1]?.createdAt.toISOString() ?? null,
    how: how(e.action),
    actor: e.actor?.email ?? e.actorKind,
    reason: auditReason(e),
  }));
  return periods.reverse();
}
