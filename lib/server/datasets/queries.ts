import 'server-only';
import { db } from '../db';

export interface DatasetRowDto {
  id: string;
  name: string;
  kind: string;
  locked: boolean;
  members: number;
  createdAt: string;
}

export interface SnapshotRowDto {
  id: string;
  name: string;
  sha256: string;
  caseCount: number;
  createdAt: string;
}

export async function listDatasets(): Promise<DatasetRowDto[]> {
  const rows = await db().dataset.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { members: true } } } });
  return rows.map((d) => ({ id: d.id, name: d.name, kind: d.kind, locked: d.locked, members: d._count.members, createdAt: d.createdAt.toISOString() }));
}

export async function listSnapshots(): Promise<SnapshotRowDto[]> {
  const rows = await db().datasetSnapshot.findMany({ orderBy: { createdAt: 'desc' }, take: 100 });
  return rows.map((s) => ({ id: s.id, name: s.name, sha256: s.sha256, caseCount: s.caseCount, createdAt: s.createdAt.toISOString() }));
}
