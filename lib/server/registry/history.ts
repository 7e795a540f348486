import 'server-only';
import { db } from '../db';

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

const ACTIONS = ['model.register', 'model.promote.production', 'model.restore'];

export async function productionHistory(): Promise<ProductionPeriod[]> {
  const events = await db().auditEvent.findMany({
    where: { entityType: 'ModelVersion', action: { in: ACTIONS } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { actor: { select: { email: true } } },
  });
  const starts = events.filter((e) => e.action !== 'model.register' || (e.data as { stage?: string } | null)?.stage === 'PRODUCTION');
  const models = await db().modelVersion.findMany({ where: { id: { in: starts.map((e) => e.entityId) } }, select: { id: true, name: true, version: true } });
  const label = new Map(models.map((m) => [m.id, `${m.name}@${m.version}`]));
  const periods = starts.map((e, i): ProductionPeriod => ({
    modelVersionId: e.entityId,
    label: label.get(e.entityId) ?? e.entityId,
    from: e.createdAt.toISOString(),
    to: starts[i + 1]?.createdAt.toISOString() ?? null,
    how: e.action === 'model.register' ? 'registered' : e.action === 'model.restore' ? 'restored by rollback' : 'promoted',
    actor: e.actor?.email ?? e.actorKind,
    reason: (e.data as { reason?: string } | null)?.reason ?? null,
  }));
  return periods.reverse();
}
