import 'server-only';
import { db } from '../db';
import type { JobRow } from './store';
import type { JobDto, JobListQuery } from './types';

/** Reads for the UI and for back-pressure: plain DTOs, never Prisma rows. */
export function toDto(row: JobRow): JobDto {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    progress: row.progress,
    runAt: row.runAt.toISOString(),
    lockedAt: row.lockedAt?.toISOString() ?? null,
    lockedBy: row.lockedBy,
    result: row.result ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getJob(id: string): Promise<JobDto | null> {
  const row = await db().job.findUnique({ where: { id } });
  return row ? toDto(row) : null;
}

export async function listJobs(query: JobListQuery = {}): Promise<JobDto[]> {
  const rows = await db().job.findMany({
    where: { status: query.status, name: query.name },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(query.take ?? 100, 1), 500),
  });
  return rows.map(toDto);
}

export async function queueDepth(): Promise<number> {
  return db().job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } });
}
