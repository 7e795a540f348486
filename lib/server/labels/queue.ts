import 'server-only';
/**
 * The review queue: cases that need a human (drifters and flagged cases) without approved ground truth, most
 * suspicious first, with assignment so two radiologists never label the same case.
 */
import { db } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { UserActor } from '../auth/session';
import type { Prisma } from '../db/generated/client';
import { FLAG_REASONS, type FlagReasonName } from '@/lib/flags';

export interface ReviewQueueItemDto {
  caseId: string;
  externalId: string;
  site: string | null;
  scanner: string | null;
  flagCount: number;
  flagReasons: FlagReasonName[];
  driftScore: number | null;
  isDrifter: boolean;
  driftReasons: string[];
  labelStatus: string | null;
  assignee: { id: string; name: string; email: string } | null;
  createdAt: string;
}

export interface ReviewQueueFilter {
  /** a flag reason, or "DRIFT" for drifters */
  reason?: FlagReasonName | 'DRIFT';
  site?: string;
  /** "mine" needs `userId` */
  assignment?: 'all' | 'mine' | 'unassigned';
  userId?: string;
  /** only these cases (the monitoring page links the cases behind an alert as `/review?cases=<id,id>`) */
  caseIds?: string[];
}

export function queueWhere(filter: ReviewQueueFilter): Prisma.CaseWhereInput {
  const and: Prisma.CaseWhereInput[] = [
    { OR: [{ flags: { some: {} } }, { driftReports: { some: { isDrifter: true, prediction: { returned: true } } } }] },
    { NOT: { label: { status: 'APPROVED' } } },
  ];
  if (filter.site) and.push({ site: filter.site });
  if (filter.caseIds?.length) and.push({ id: { in: filter.caseIds } });
  if (filter.reason === 'DRIFT') and.push({ driftReports: { some: { isDrifter: true, prediction: { returned: true } } } });
  else if (filter.reason && (FLAG_REASONS as readonly string[]).includes(filter.reason))
    and.push({ flags: { some: { reason: filter.reason } } });
  if (filter.assignment === 'unassigned') and.push({ assigneeId: null });
  if (filter.assignment === 'mine') {
    if (!filter.userId) throw new Error('the "mine" filter needs userId');
    and.push({ assigneeId: filter.userId });
  }
  return { AND: and };
}

/** Priority: flagged cases first (a clinician saw a problem), then by drift score, then oldest first. */
export function byPriority(a: ReviewQueueItemDto, b: ReviewQueueItemDto): number {
  return (
    Number(b.flagCount > 0) - Number(a.flagCount > 0) || (b.driftScore ?? 0) - (a.driftScore ?? 0) || a.createdAt.localeCompare(b.createdAt)
  );
}

/** What a queue row shows, read for the cases of one page (or the whole queue). */
export const QUEUE_ROW_INCLUDE = {
  flags: { select: { reason: true } },
  driftReports: {
    where: { prediction: { returned: true } },
    select: { score: true, isDrifter: true, reasons: true },
    orderBy: { createdAt: 'desc' },
    take: 1,
  },
  label: { select: { status: true } },
  assignee: { select: { id: true, name: true, email: true } },
} satisfies Prisma.CaseInclude;

export function toQueueItem(c: Prisma.CaseGetPayload<{ include: typeof QUEUE_ROW_INCLUDE }>): ReviewQueueItemDto {
  return {
    caseId: c.id,
    externalId: c.externalId,
    site: c.site,
    scanner: [c.scannerManufacturer, c.scannerModel].filter(Boolean).join(' ') || null,
    flagCount: c.flags.length,
    flagReasons: [...new Set(c.flags.map((f) => f.reason as FlagReasonName))],
    driftScore: c.driftReports[0]?.score ?? null,
    isDrifter: c.driftReports[0]?.isDrifter ?? false,
    driftReasons: Array.isArray(c.driftReports[0]?.reasons) ? (c.driftReports[0].reasons as string[]) : [],
    labelStatus: c.label?.status ?? null,
    assignee: c.assignee,
    createdAt: c.createdAt.toISOString(),
  };
}

export async function listReviewQueue(filter: ReviewQueueFilter = {}, limit = 200): Promise<ReviewQueueItemDto[]> {
  const rows = await db().case.findMany({ where: queueWhere(filter), include: QUEUE_ROW_INCLUDE });
  return rows.map(toQueueItem).sort(byPriority).slice(0, limit);
}

/**
 * The case to open after `afterCaseId` (the editor's "next case" key): the first in queue priority that is another
 * case, not claimed by someone else, and still waiting for a label to be submitted.
 */
export async function nextQueueCase(actor: UserActor, afterCaseId: string): Promise<{ caseId: string; externalId: string } | null> {
  const items = await listReviewQueue();
  const next = items.find((i) => i.caseId !== afterCaseId && (!i.assignee || i.assignee.id === actor.id) && i.labelStatus !== 'IN_REVIEW');
  return next ? { caseId: next.caseId, externalId: next.externalId } : null;
}

/** Sites that have cases, for the queue's filter (GROUP BY in the database: Prisma's `distinct` reads every row). */
export async function listQueueSites(): Promise<string[]> {
  const rows = await db().case.groupBy({ by: ['site'], where: { site: { not: null } }, orderBy: { site: 'asc' } });
  return rows.map((r) => r.site!).filter(Boolean);
}

async function holderOf(caseId: string) {
  const c = await db().case.findUnique({ where: { id: caseId }, select: { assignee: { select: { id: true, name: true } } } });
  if (!c) throw new AppError('NOT_FOUND', 'Case not found.');
  return c.assignee;
}

/**
 * Assigns the case to the actor. One conditional UPDATE (only while nobody holds it) makes the claim atomic: of two
 * concurrent claims exactly one matches the row, the other sees zero rows and is refused. Claiming a case one
 * already holds is a no-op.
 */
export async function assignToMe(actor: UserActor, caseId: string): Promise<{ caseId: string; assigneeId: string }> {
  const claimed = await db().$transaction(async (tx) => {
    const r = await tx.case.updateMany({ where: { id: caseId, assigneeId: null }, data: { assigneeId: actor.id } });
    if (r.count === 1) await recordAudit(tx, { actor, action: AUDIT.caseAssign, entityId: caseId, data: { assigneeId: actor.id } });
    return r.count === 1;
  });
  if (claimed) return { caseId, assigneeId: actor.id };
  const holder = await holderOf(caseId);
  if (holder?.id === actor.id) return { caseId, assigneeId: actor.id };
  throw new AppError('CONFLICT', `This case is already assigned to ${holder?.name ?? 'someone else'}.`);
}

/** Releases the case: its holder may, and an administrator may release anyone's. */
export async function unassign(actor: UserActor, caseId: string): Promise<{ caseId: string }> {
  const released = await db().$transaction(async (tx) => {
    const mine = actor.role === 'ADMIN' ? { assigneeId: { not: null } } : { assigneeId: actor.id };
    const before = await tx.case.findFirst({ where: { id: caseId, ...mine }, select: { assigneeId: true } });
    if (!before) return false;
    const r = await tx.case.updateMany({ where: { id: caseId, assigneeId: before.assigneeId }, data: { assigneeId: null } });
    if (r.count === 1)
      await recordAudit(tx, { actor, action: AUDIT.caseUnassign, entityId: caseId, data: { previousAssigneeId: before.assigneeId } });
    return r.count === 1;
  });
  if (released) return { caseId };
  const holder = await holderOf(caseId);
  throw new AppError(
    holder ? 'FORBIDDEN' : 'CONFLICT',
    holder ? `Only ${holder.name} (or an administrator) can release this case.` : 'This case is not assigned.',
  );
}
