import 'server-only';
import crypto from 'node:crypto';
import PgBoss from 'pg-boss';
import { env } from '../env';
import type { Tx } from '../db';
import { postgresConfig } from '../db/provider';
import type { JobPolicy } from './registry';

/** pg-boss keeps its tables in their own schema of the application's database. */
export const PGBOSS_SCHEMA = 'pgboss';

/** What a pg-boss message carries: the Job row it stands for, and which attempt generation it delivers. */
export interface Delivery {
  jobId: string;
  /** The Job row's `attempts` when this message was sent: only the current generation may claim a QUEUED row. */
  generation: number;
}

export function createBoss(pollMs: number): { boss: PgBoss; pollingIntervalSeconds: number } {
  // Connection fields rather than the URL: a Prisma `?schema=` parameter must not reach the server as a setting.
  const { schema: _prismaSchema, ...fields } = postgresConfig(env().DATABASE_URL);
  void _prismaSchema;
  const boss = new PgBoss({
    ...fields,
    schema: PGBOSS_SCHEMA,
    max: 4,
    application_name: 'tumorwatch-jobs',
    migrate: true,
    supervise: true,
  });
  return { boss, pollingIntervalSeconds: Math.max(0.5, pollMs / 1000) };
}

/**
 * pg-boss job ids are derived from (Job id, generation), so every send is idempotent (pg-boss inserts with
 * ON CONFLICT DO NOTHING): a repeated enqueue, a retry and a crash repair racing each other create one message.
 */
export function deliveryId(jobId: string, generation: number): string {
  const h = crypto.createHash('sha256').update(`tumorwatch-job:${jobId}:${generation}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8 (application-defined)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Options for one message. Retries of a failed attempt are scheduled by the queue (a new generation with the exact
 * backoff); pg-boss's own retry settings only govern redelivery after a crash (expiry) or a refused delivery.
 * expireInSeconds outlasts the attempt's timeout plus the runner's give-up period, so a live worker always records
 * its outcome first and only a dead worker's message expires.
 */
export function sendOptions(jobId: string, generation: number, policy: JobPolicy, maxAttempts: number, leaseMs: number, startAfter: Date) {
  return {
    id: deliveryId(jobId, generation),
    startAfter,
    retryLimit: maxAttempts + 2,
    retryDelay: Math.max(1, Math.ceil(policy.backoffMs / 1000)),
    retryBackoff: true,
    expireInSeconds: Math.min(Math.ceil((policy.timeoutMs + 2 * leaseMs) / 1000), 23 * 3600),
  } satisfies PgBoss.SendOptions;
}

/**
 * Runs pg-boss's SQL on a Prisma transaction, so the Job row and its message commit together. Object parameters are
 * sent as JSON text: pg-boss casts them itself ($3::jsonb).
 */
export function prismaExecutor(tx: Tx): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const params = values.map((v) =>
        v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v,
      );
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...params);
      return { rows };
    },
  };
}

/**
 * createQueue is idempotent, but two processes creating the same queue at once can deadlock in PostgreSQL (its
 * create_queue inserts a row and creates a partition; seen with two workers starting together, cf. supabase/storage#703).
 * PostgreSQL aborts one side: that side looks again and retries.
 */
export async function createQueueOnce(boss: PgBoss, name: string) {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) return;
    try {
      await boss.createQueue(name);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== '40P01' && code !== '23505') || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
    }
  }
}
