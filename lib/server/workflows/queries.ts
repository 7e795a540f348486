import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';

export interface RunRowDto {
  id: string;
  kind: string;
  runner: string;
  status: string;
  progress: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface RunDetailDto extends RunRowDto {
  logTail: string;
  error: string | null;
  externalUrl: string | null;
  params: unknown;
}

function toRow(r: { id: string; kind: string; runner: string; status: string; progress: number; createdAt: Date; finishedAt: Date | null }): RunRowDto {
  return { id: r.id, kind: r.kind, runner: r.runner, status: r.status, progress: r.progress, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null };
}

export async function listRuns(): Promise<RunRowDto[]> {
  const rows = await db().workflowRun.findMany({ orderBy: { createdAt: 'desc' }, take: 200 });
  return rows.map(toRow);
}

export async function getRun(runId: string): Promise<RunDetailDto> {
  const r = await db().workflowRun.findUnique({ where: { id: runId } });
  if (!r) throw new AppError('NOT_FOUND', 'No such run.');
  return { ...toRow(r), logTail: r.logTail, error: r.error, externalUrl: r.externalUrl, params: r.params };
}
