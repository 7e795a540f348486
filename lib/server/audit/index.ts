import 'server-only';
import type { Tx } from '../db';
import type { Actor } from '../auth/actor';
import { auditEntityType, validateAuditData, type AuditAction, type AuditDataInput } from './catalogue';

export {
  AUDIT,
  auditReason,
  parseAuditData,
  parseAuditEvent,
  type AuditAction,
  type AuditData,
  type AuditDataInput,
  type AuditRecord,
  type TypedAuditEvent,
} from './catalogue';

/** `action` comes from `AUDIT`; the entity type is the catalogue's for that action. */
export interface AuditInput<A extends AuditAction> {
  actor: Actor;
  action: A;
  entityId: string;
  data: AuditDataInput<A>;
}

/**
 * Call inside the same transaction as the state change it records: both commit or neither does. Data that does not
 * match the action's schema throws, so the change it would have recorded rolls back with it.
 */
export async function recordAudit<A extends AuditAction>(tx: Tx, input: AuditInput<A>) {
  const data = validateAuditData(input.action, input.data);
  await tx.auditEvent.create({
    data: {
      actorId: input.actor.kind === 'user' ? input.actor.id : null,
      actorKind: input.actor.kind === 'user' ? 'user' : input.actor.kind === 'token' ? `api-token:${input.actor.name}` : input.actor.kind,
      action: input.action,
      entityType: auditEntityType(input.action),
      entityId: input.entityId,
      data: data as object,
    },
  });
}

export interface AuditQuery {
  entityType?: string;
  action?: string;
  take?: number;
  cursor?: string;
}

export interface AuditEventDto {
  id: string;
  createdAt: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

export async function listAuditEvents(tx: Tx, query: AuditQuery): Promise<AuditEventDto[]> {
  const rows = await tx.auditEvent.findMany({
    where: { entityType: query.entityType || undefined, action: query.action ? { contains: query.action } : undefined },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(query.take ?? 100, 500),
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    include: { actor: { select: { email: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    actor: r.actor?.email ?? r.actorKind,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    data: r.data,
  }));
}
