import 'server-only';
import type { Tx } from '../db';
import type { Actor } from '../auth/actor';

export interface AuditInput {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  data?: Record<string, unknown>;
}

/** Call inside the same transaction as the state change it records: both commit or neither does. */
export async function recordAudit(tx: Tx, input: AuditInput) {
  await tx.auditEvent.create({
    data: {
      actorId: input.actor.kind === 'user' ? input.actor.id : null,
      actorKind: input.actor.kind === 'user' ? 'user' : input.actor.kind === 'token' ? `api-token:${input.actor.name}` : input.actor.kind,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      data: (input.data ?? {}) as object,
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
