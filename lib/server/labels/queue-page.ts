import 'server-only';
import { db } from '../db';
import type { Prisma } from '../db/generated/client';
import { pageWindow, type ListPage, type ListParams } from '@/lib/lists';
import { QUEUE_ROW_INCLUDE, queueWhere, toQueueItem, type ReviewQueueFilter, type ReviewQueueItemDto } from './queue';

export const QUEUE_SORTS = ['priority', 'received', 'case', 'drift'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueListQuery extends ReviewQueueFilter, ListParams<QueueSort> {}

/** The few fields every ordering needs, read for the whole (filtered) queue. */
interface SortKey {
  id: string;
  externalId: string;
  createdAt: number;
  flagged: number;
  drift: number;
}

const ascending: Record<QueueSort, (a: SortKey, b: SortKey) => number> = {
  // "asc" on priority is the least urgent first; the page defaults to "desc", the queue's working order.
  priority: (a, b) => a.flagged - b.flagged || a.drift - b.drift || b.createdAt - a.createdAt,
  received: (a, b) => a.createdAt - b.createdAt,
  case: (a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0),
  drift: (a, b) => a.drift - b.drift,
};

/**
 * One page of the review queue. Priority (flagged first, then drift score, then oldest) depends on a relation count
 * and the latest shown prediction's drift score, which no portable ORDER BY expresses: so the queue's sort keys are
 * read in one narrow query, ordered here, and only the page's cases are read in full.
 */
export async function listReviewQueuePage(query: QueueListQuery): Promise<ListPage<ReviewQueueItemDto>> {
  const and: Prisma.CaseWhereInput[] = [queueWhere(query)];
  if (query.q) and.push({ OR: [{ externalId: { contains: query.q } }, { site: { contains: query.q } }] });
  const keyRows = await db().case.findMany({
    where: { AND: and },
    select: {
      id: true,
      externalId: true,
      createdAt: true,
      _count: { select: { flags: true } },
      driftReports: { where: { prediction: { returned: true } }, select: { score: true }, orderBy: { createdAt: 'desc' }, take: 1 },
    },
  });
  const keys: SortKey[] = keyRows.map((c) => ({
    id: c.id,
    externalId: c.externalId,
    createdAt: c.createdAt.getTime(),
    flagged: c._count.flags > 0 ? 1 : 0,
    drift: c.driftReports[0]?.score ?? 0,
  }));
  const sign = query.dir === 'asc' ? 1 : -1;
  keys.sort((a, b) => sign * ascending[query.sort](a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const win = pageWindow(keys.length, query.page, query.pageSize);
  const ids = keys.slice(win.skip, win.skip + query.pageSize).map((k) => k.id);
  const rows = await db().case.findMany({ where: { id: { in: ids } }, include: QUEUE_ROW_INCLUDE });
  const byId = new Map(rows.map((r) => [r.id, toQueueItem(r)]));
  return {
    rows: ids.flatMap((id) => byId.get(id) ?? []),
    total: keys.length,
    page: win.page,
    pageSize: query.pageSize,
    pageCount: win.pageCount,
  };
}
