import 'server-only';
import { db } from '../db';
import type { Prisma } from '../db/generated/client';
import { pageWindow, type ListPage, type ListParams } from '@/lib/lists';
import { AUDIT_ACTIONS, auditEntityType } from './catalogue';
import type { AuditEventDto } from './index';

export const AUDIT_SORTS = ['time', 'action'] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

/** The actions and entity types the catalogue writes: the audit log's filter choices. */
export const AUDIT_FILTER_CHOICES = {
  actions: [...AUDIT_ACTIONS].sort(),
  entityTypes: [...new Set(AUDIT_ACTIONS.map(auditEntityType))].sort(),
};

export interface AuditListQuery extends ListParams<AuditSort> {
  /** a substring of the actor's e-mail or of the actor kind ("system", "worker", "api-token:<name>") */
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** inclusive calendar days (UTC), YYYY-MM-DD */
  from?: string;
  to?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function dayStart(day: string | undefined): Date | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function auditWhere(query: Omit<AuditListQuery, keyof ListParams<AuditSort>> & { q?: string }): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (query.actor) and.push({ OR: [{ actor: { email: { contains: query.actor } } }, { actorKind: { contains: query.actor } }] });
  if (query.action) and.push({ action: query.action });
  if (query.entityType) and.push({ entityType: query.entityType });
  if (query.entityId) and.push({ entityId: query.entityId });
  const from = dayStart(query.from);
  const toStart = dayStart(query.to);
  if (from || toStart) and.push({ createdAt: { gte: from, lt: toStart ? new Date(toStart.getTime() + DAY_MS) : undefined } });
  // The free-text search reads the action name and the entity id (a pasted case or model id finds its history).
  if (query.q) and.push({ OR: [{ action: { contains: query.q } }, { entityId: { contains: query.q } }] });
  return { AND: and };
}

/** One page of the audit log, newest first by default; ties on the timestamp are ordered by id so pages never overlap. */
export async function listAuditPage(query: AuditListQuery): Promise<ListPage<AuditEventDto>> {
  const where = auditWhere(query);
  const total = await db().auditEvent.count({ where });
  const win = pageWindow(total, query.page, query.pageSize);
  const orderBy: Prisma.AuditEventOrderByWithRelationInput[] =
    query.sort === 'action'
      ? [{ action: query.dir }, { createdAt: 'desc' }, { id: 'desc' }]
      : [{ createdAt: query.dir }, { id: query.dir }];
  const rows = await db().auditEvent.findMany({
    where,
    orderBy,
    skip: win.skip,
    take: query.pageSize,
    include: { actor: { select: { email: true } } },
  });
  return {
    rows: rows.map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      actor: r.actor?.email ?? r.actorKind,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      data: r.data,
    })),
    total,
    page: win.page,
    pageSize: query.pageSize,
    pageCount: win.pageCount,
  };
}
