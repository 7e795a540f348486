import 'server-only';
import { db, isUniqueViolation, type Tx } from '../db';
import type { Job, Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import type { JobDefinition } from './registry';

/**
 * The Job table is the single record of every job on both implementations: claims, leases, progress and outcomes
 * are written here, and every write made on behalf of a running attempt is fenced on (status RUNNING, lockedBy me),
 * so a worker that lost its lease can no longer change the row.
 */
export type JobRow = Job;

const ERROR_MAX = 4_000;

export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX)}…` : text;
}

/** Inserts the job unless its idempotency key exists; the existing job is returned then. */
export async function insertJob(
  def: JobDefinition<unknown, unknown>,
  payload: unknown,
  opts: { idempotencyKey: string; maxAttempts: number; runAt: Date; tx?: Tx },
): Promise<{ row: JobRow; created: boolean }> {
  const client = opts.tx ?? db();
  const existing = await client.job.findUnique({ where: { idempotencyKey: opts.idempotencyKey } });
  if (existing) return { row: sameKind(existing, def.name), created: false };
  try {
    const row = await client.job.create({
      data: {
        name: def.name,
        payload: payload as Prisma.InputJsonValue,
        maxAttempts: opts.maxAttempts,
        runAt: opts.runAt,
        idempotencyKey: opts.idempotencyKey,
      },
    });
    return { row, created: true };
  } catch (err) {
    // A concurrent enqueue with the same key won the insert. Inside a caller's transaction PostgreSQL has aborted
    // the transaction already, so the error goes back to the caller (who retries the whole unit of work).
    if (!isUniqueViolation(err) || opts.tx) throw err;
    const winner = await client.job.findUniqueOrThrow({ where: { idempotencyKey: opts.idempotencyKey } });
    return { row: sameKind(winner, def.name), created: false };
  }
}

function sameKind(row: JobRow, name: string): JobRow {
  if (row.name !== name) throw new AppError('CONFLICT', `Idempotency key already used by a "${row.name}" job`);
  return row;
}

const claimData = (workerId: string, now: Date) => ({
  status: 'RUNNING' as const,
  lockedBy: workerId,
  lockedAt: now,
  progress: 0,
  attempts: { increment: 1 },
});

/** Claims the oldest due QUEUED job of one kind by conditional update; a lost race moves on to the next candidate. */
export async function claimNext(name: string, workerId: string): Promise<JobRow | null> {
  const now = new Date();
  const candidates = await db().job.findMany({
    where: { name, status: 'QUEUED', runAt: { lte: now } },
    orderBy: [{ runAt: 'asc' }, { createdAt: 'asc' }],
    select: { id: true },
    take: 5,
  });
  for (const { id } of candidates) {
    const { count } = await db().job.updateMany({
      where: { id, status: 'QUEUED', runAt: { lte: now } },
      data: claimData(workerId, now),
    });
    if (count === 1) return db().job.findUnique({ where: { id } });
  }
  return null;
}

/**
 * Claims one known job for a delivered message of `generation` (PostgreSQL: pg-boss delivered it). Allowed when the
 * row is QUEUED for that generation, or RUNNING for it under a stale lease with attempts left (the worker that had it
 * died and pg-boss expired its message). Anything else, a live lease elsewhere included, is refused.
 */
export async function claimById(
  id: string,
  generation: number,
  workerId: string,
  leaseMs: number,
): Promise<{ claimed: JobRow | null; current: JobRow | null }> {
  const now = new Date();
  const { count } = await db().job.updateMany({
    where: {
      id,
      OR: [
        { status: 'QUEUED', attempts: generation },
        {
          status: 'RUNNING',
          attempts: generation + 1,
          maxAttempts: { gt: generation + 1 },
          lockedAt: { lt: new Date(now.getTime() - leaseMs) },
        },
      ],
    },
    data: claimData(workerId, now),
  });
  const current = await db().job.findUnique({ where: { id } });
  return { claimed: count === 1 ? current : null, current };
}

const fence = (id: string, workerId: string) => ({ id, status: 'RUNNING' as const, lockedBy: workerId });

/** Renews the lease; false when this worker no longer holds it. */
export async function renewLease(id: string, workerId: string): Promise<boolean> {
  const { count } = await db().job.updateMany({ where: fence(id, workerId), data: { lockedAt: new Date() } });
  return count === 1;
}

export async function writeProgress(id: string, workerId: string, progress: number): Promise<boolean> {
  const { count } = await db().job.updateMany({ where: fence(id, workerId), data: { progress, lockedAt: new Date() } });
  return count === 1;
}

export async function markSucceeded(id: string, workerId: string, result: unknown): Promise<boolean> {
  const json = toJson(result);
  const { count } = await db().job.updateMany({
    where: fence(id, workerId),
    data: { status: 'SUCCEEDED', progress: 1, error: null, lockedAt: null, ...(json === undefined ? {} : { result: json }) },
  });
  return count === 1;
}

/** Back to QUEUED for a later attempt; the error stays on the row until the job ends. */
export async function markRetry(id: string, workerId: string, error: string, runAt: Date): Promise<boolean> {
  const { count } = await db().job.updateMany({
    where: fence(id, workerId),
    data: { status: 'QUEUED', error, runAt, lockedAt: null, lockedBy: null },
  });
  return count === 1;
}

export async function markFailed(id: string, workerId: string, error: string): Promise<boolean> {
  const { count } = await db().job.updateMany({ where: fence(id, workerId), data: { status: 'FAILED', error, lockedAt: null } });
  return count === 1;
}

/** Hands an interrupted attempt back (worker stopping): it does not count against the job's attempts. */
export async function release(id: string, workerId: string): Promise<boolean> {
  const { count } = await db().job.updateMany({
    where: fence(id, workerId),
    data: {
      status: 'QUEUED',
      runAt: new Date(),
      lockedAt: null,
      lockedBy: null,
      attempts: { decrement: 1 },
      error: 'released: the worker stopped during this attempt',
    },
  });
  return count === 1;
}

export async function findStale(leaseMs: number): Promise<JobRow[]> {
  return db().job.findMany({
    where: { status: 'RUNNING', lockedAt: { lt: new Date(Date.now() - leaseMs) } },
    orderBy: { lockedAt: 'asc' },
    take: 50,
  });
}

/** QUEUED jobs due for longer than `overdueMs` (PostgreSQL: checked for a missing pg-boss message). */
export async function findOverdue(overdueMs: number): Promise<JobRow[]> {
  return db().job.findMany({
    where: { status: 'QUEUED', runAt: { lt: new Date(Date.now() - overdueMs) } },
    orderBy: { runAt: 'asc' },
    take: 20,
  });
}

/**
 * Takes a stale lease away from a dead worker: FAILED when attempts are used up, else QUEUED for `runAt`.
 * Conditional on the lease still being stale, so a heartbeat that lands first wins and nothing changes.
 */
export async function recoverStale(row: JobRow, leaseMs: number, runAt: Date): Promise<'QUEUED' | 'FAILED' | null> {
  const exhausted = row.attempts >= row.maxAttempts;
  const error = `worker ${row.lockedBy ?? '?'} stopped responding during attempt ${row.attempts} of ${row.maxAttempts} (lease expired)`;
  const { count } = await db().job.updateMany({
    where: { id: row.id, status: 'RUNNING', lockedBy: row.lockedBy, lockedAt: { lt: new Date(Date.now() - leaseMs) } },
    data: exhausted ? { status: 'FAILED', error, lockedAt: null } : { status: 'QUEUED', error, runAt, lockedAt: null, lockedBy: null },
  });
  return count === 1 ? (exhausted ? 'FAILED' : 'QUEUED') : null;
}

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  // Handlers may return Dates or class instances: store what JSON would carry, as the UI will read it.
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
