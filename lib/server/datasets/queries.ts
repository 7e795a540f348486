import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { LOCKABLE_KINDS } from './members';

export { getRetrainProgress, type RetrainProgressDto } from './trigger';

export interface DatasetRowDto {
  id: string;
  name: string;
  kind: string;
  description: string;
  locked: boolean;
  lockedAt: string | null;
  lockable: boolean;
  members: number;
  createdAt: string;
}

export interface SnapshotRowDto {
  id: string;
  name: string;
  sha256: string;
  caseCount: number;
  createdAt: string;
  splits: Record<string, number>;
  runs: number;
}

export async function listDatasets(): Promise<DatasetRowDto[]> {
  const rows = await db().dataset.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { members: true } } } });
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    kind: d.kind,
    description: d.description,
    locked: d.locked,
    lockedAt: d.lockedAt?.toISOString() ?? null,
    lockable: !d.locked && (LOCKABLE_KINDS as readonly string[]).includes(d.kind),
    members: d._count.members,
    createdAt: d.createdAt.toISOString(),
  }));
}

export async function listSnapshots(): Promise<SnapshotRowDto[]> {
  const rows = await db().datasetSnapshot.findMany({
    orderBy: { createdAt: 'desc' },
    take: 100,
    include: { _count: { select: { runs: true } } },
  });
  const counts = await db().snapshotItem.groupBy({
    by: ['snapshotId', 'split'],
    where: { snapshotId: { in: rows.map((s) => s.id) } },
    _count: { _all: true },
  });
  const splits = new Map<string, Record<string, number>>();
  for (const c of counts) splits.set(c.snapshotId, { ...splits.get(c.snapshotId), [c.split]: c._count._all });
  return rows.map((s) => ({
    id: s.id,
    name: s.name,
    sha256: s.sha256,
    caseCount: s.caseCount,
    createdAt: s.createdAt.toISOString(),
    splits: splits.get(s.id) ?? {},
    runs: s._count.runs,
  }));
}

export interface SnapshotItemDto {
  caseId: string;
  externalId: string;
  split: string;
  labelVersionId: string;
}

export async function getSnapshotItems(snapshotId: string): Promise<SnapshotItemDto[]> {
  const snap = await db().datasetSnapshot.findUnique({ where: { id: snapshotId }, select: { id: true } });
  if (!snap) throw new AppError('NOT_FOUND', 'No such snapshot.');
  const items = await db().snapshotItem.findMany({ where: { snapshotId }, include: { case: { select: { externalId: true } } } });
  return items
    .map((i) => ({ caseId: i.caseId, externalId: i.case.externalId, split: i.split, labelVersionId: i.labelVersionId }))
    .sort((a, b) => a.externalId.localeCompare(b.externalId));
}
