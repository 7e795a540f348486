import 'server-only';
import { db, type Tx } from '../db';
import { env } from '../env';
import { getQueue } from '../jobs';
import { mlflowMirrorJob } from './jobs';

/**
 * The MLflow outbox: a clinical step writes one row in its own transaction (enqueueMirror), and the mlflow.mirror job
 * sends it later. A send that fails records its error and a later attempt time and never throws into anyone, so
 * MLflow being down, slow or answering errors only delays the mirror (DESIGN.md: integrations stay off the clinical
 * path). There is no attempt limit: after MLflow comes back everything missed arrives, once (idempotent keys).
 */
export type MirrorKind = 'training-run' | 'evaluation' | 'model-stage';
export interface OutboxRow {
  id: string;
  kind: string;
  entityId: string;
  idempotencyKey: string;
  payload: unknown;
  attempts: number;
}
export type Sender = (row: OutboxRow) => Promise<void>;

const BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const MAX_ERROR = 2_000;

export function mlflowConfigured(): boolean {
  return Boolean(env().MLFLOW_TRACKING_URI);
}

/** Wait after the n-th failed attempt: 5 s, 10 s, 20 s ... capped at an hour. */
export function mirrorBackoffMs(failedAttempts: number): number {
  return Math.min(BACKOFF_MS * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 20), MAX_BACKOFF_MS);
}

/**
 * Writes an outbox row and its job inside the caller's transaction. Without MLFLOW_TRACKING_URI it does nothing. The
 * same key twice (a retried clinical step) keeps the first row.
 */
export async function enqueueMirror(
  tx: Tx,
  event: { kind: MirrorKind; entityId: string; key: string; payload?: Record<string, unknown> },
): Promise<string | null> {
  if (!mlflowConfigured()) return null;
  const existing = await tx.mlflowOutbox.findUnique({ where: { idempotencyKey: event.key }, select: { id: true } });
  if (existing) return existing.id;
  const row = await tx.mlflowOutbox.create({
    data: { kind: event.kind, entityId: event.entityId, idempotencyKey: event.key, payload: (event.payload ?? {}) as object },
  });
  await getQueue().enqueue(mlflowMirrorJob, { outboxId: row.id }, { idempotencyKey: `mlflow.mirror:${row.id}:0`, tx });
  return row.id;
}

/**
 * One attempt at one row: done rows and rows not due yet are left alone. Returns 'sent', 'failed' (error recorded,
 * next attempt scheduled) or 'skipped'. Never throws for a failed send.
 */
export async function processOutboxRow(id: string, send: Sender, now = new Date()): Promise<'sent' | 'failed' | 'skipped'> {
  const row = await db().mlflowOutbox.findUnique({ where: { id } });
  if (!row || row.doneAt || row.nextAttemptAt > now) return 'skipped';
  try {
    await send(row);
    await db().mlflowOutbox.update({ where: { id }, data: { doneAt: new Date(), attempts: row.attempts + 1, lastError: null } });
    return 'sent';
  } catch (e) {
    const attempts = row.attempts + 1;
    const nextAttemptAt = new Date(Date.now() + mirrorBackoffMs(attempts));
    const message = (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR);
    await db().mlflowOutbox.update({ where: { id }, data: { attempts, nextAttemptAt, lastError: message } });
    await getQueue().enqueue(
      mlflowMirrorJob,
      { outboxId: id },
      { idempotencyKey: `mlflow.mirror:${id}:${attempts}`, runAt: nextAttemptAt },
    );
    return 'failed';
  }
}

/** Every due row, oldest first (a model's version is mirrored after its training run). Returns counts. */
export async function drainOutbox(send: Sender, now = new Date()): Promise<{ sent: number; failed: number }> {
  const due = await db().mlflowOutbox.findMany({
    where: { doneAt: null, nextAttemptAt: { lte: now } },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  const counts = { sent: 0, failed: 0 };
  for (const { id } of due) {
    const outcome = await processOutboxRow(id, send, now);
    if (outcome !== 'skipped') counts[outcome]++;
  }
  return counts;
}

/** For the model page: rows about these entities still waiting after a failed attempt (the mirror warning). */
export async function pendingMirrorProblems(
  entityIds: string[],
): Promise<{ kind: string; attempts: number; lastError: string; nextAttemptAt: Date }[]> {
  if (!mlflowConfigured() || entityIds.length === 0) return [];
  const rows = await db().mlflowOutbox.findMany({
    where: { entityId: { in: entityIds }, doneAt: null, lastError: { not: null } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ kind: r.kind, attempts: r.attempts, lastError: r.lastError ?? '', nextAttemptAt: r.nextAttemptAt }));
}
