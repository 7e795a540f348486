import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import type { Prisma } from '../db/generated/client';
import { pageWindow, type ListPage, type ListParams, type SortDir } from '@/lib/lists';
import { LOCKABLE_KINDS, type DatasetMemberDto } from './members';
import { recordLockedReads } from './locked-reads';
import type { DatasetRowDto } from './queries';

export const MEMBER_SORTS = ['added', 'case', 'site'] as const;
/** The label-state filter: a label status, or NONE for a case never labelled. */
export const MEMBER_LABEL_STATES = ['APPROVED', 'IN_REVIEW', 'RETURNED', 'DRAFT', 'NONE'] as const;
export type MemberLabelState = (typeof MEMBER_LABEL_STATES)[number];
export type MemberSort = (typeof MEMBER_SORTS)[number];

/** A dataset's list row (without its creation time) plus what its own page shows. */
export interface DatasetDetailDto extends Omit<DatasetRowDto, 'createdAt'> {
  /** members by label state: APPROVED, IN_REVIEW, DRAFT, or NONE (never labelled) */
  labelStates: Record<string, number>;
}

export async function getDatasetDetail(actor: Actor, datasetId: string): Promise<DatasetDetailDto> {
  await authorize(actor, 'dataset:view');
  const d = await db().dataset.findUnique({ where: { id: datasetId }, include: { _count: { select: { members: true } } } });
  if (!d) throw new AppError('NOT_FOUND', 'No such dataset.');
  const states = await db().label.groupBy({
    by: ['status'],
    where: { case: { datasetMembers: { some: { datasetId } } } },
    _count: { _all: true },
  });
  const labelStates: Record<string, number> = Object.fromEntries(states.map((s) => [s.status, s._count._all]));
  const labelled = states.reduce((n, s) => n + s._count._all, 0);
  if (d._count.members > labelled) labelStates.NONE = d._count.members - labelled;
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    description: d.description,
    locked: d.locked,
    lockedAt: d.lockedAt?.toISOString() ?? null,
    lockable: !d.locked && (LOCKABLE_KINDS as readonly string[]).includes(d.kind),
    members: d._count.members,
    labelStates,
  };
}

const MEMBER_ORDER: Record<MemberSort, (dir: SortDir) => Prisma.DatasetMemberOrderByWithRelationInput[]> = {
  added: (dir) => [{ addedAt: dir }, { id: dir }],
  case: (dir) => [{ case: { externalId: dir } }],
  site: (dir) => [{ case: { site: dir } }, { addedAt: 'asc' }, { id: 'asc' }],
};

/**
 * One page of a dataset's members with their label state (a filter, not an ordering: enums sort by name on SQLite
 * and by declaration on PostgreSQL). Listing a locked hold-out is recorded as a read (who
 * looked at the hold-out, and when), page by page, as the unpaged list was.
 */
export async function listDatasetMembersPage(
  actor: Actor,
  datasetId: string,
  query: ListParams<MemberSort> & { label?: MemberLabelState },
): Promise<ListPage<DatasetMemberDto>> {
  await authorize(actor, 'dataset:view');
  return db().$transaction(async (tx) => {
    const d = await tx.dataset.findUnique({ where: { id: datasetId }, select: { id: true, locked: true } });
    if (!d) throw new AppError('NOT_FOUND', 'No such dataset.');
    const onCase: Prisma.CaseWhereInput[] = [];
    if (query.q) onCase.push({ OR: [{ externalId: { contains: query.q } }, { site: { contains: query.q } }] });
    if (query.label === 'NONE') onCase.push({ label: { is: null } });
    else if (query.label) onCase.push({ label: { is: { status: query.label } } });
    const where: Prisma.DatasetMemberWhereInput = { datasetId, ...(onCase.length ? { case: { AND: onCase } } : {}) };
    const total = await tx.datasetMember.count({ where });
    const win = pageWindow(total, query.page, query.pageSize);
    const rows = await tx.datasetMember.findMany({
      where,
      orderBy: MEMBER_ORDER[query.sort](query.dir),
      skip: win.skip,
      take: query.pageSize,
      include: { case: { select: { externalId: true, site: true, label: { select: { status: true } } } } },
    });
    await recordLockedReads(tx, actor, [d], 'LIST', { members: total });
    return {
      rows: rows.map((m) => ({
        caseId: m.caseId,
        externalId: m.case.externalId,
        site: m.case.site,
        labelStatus: m.case.label?.status ?? null,
        addedAt: m.addedAt.toISOString(),
      })),
      total,
      page: win.page,
      pageSize: query.pageSize,
      pageCount: win.pageCount,
    };
  });
}
