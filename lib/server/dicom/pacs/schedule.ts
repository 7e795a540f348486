import 'server-only';
import { z } from 'zod';
import { WORKER } from '../../auth/actor';
import { db } from '../../db';
import { env } from '../../env';
import { defineJob, getQueue, type JobContext, type JobQueue } from '../../jobs';
import { listStudies, pullStudies, type PullResult } from './pull';
import { pacsConfig } from './config';

/**
 * The scheduled pull: every PACS_POLL_MINUTES a `pacs.poll` job lists the PACS's MR studies since the previous poll's
 * date (QIDO-RS StudyDate range; dates are whole days, so a day is listed again and the received-study check keeps it
 * from being ingested twice) and pulls those not received, at most PACS_POLL_MAX_STUDIES per poll. Each poll enqueues
 * the next; the idempotency key names the time slot, so any number of workers starting at once schedule it once.
 */
export const pacsPollJob = defineJob('pacs.poll', z.strictObject({ slot: z.number().int() }), {
  maxAttempts: 2,
  backoffMs: 60_000,
  timeoutMs: 60 * 60_000,
});

const STATE_KEY = 'pacs.poll';
const stateSchema = z.object({
  lastDate: z.string().regex(/^\d{8}$/),
  /** pseudonyms of studies ingestion refused: not retrieved again by the schedule (a person can still pull them) */
  refused: z.array(z.string()).default([]),
});
const REFUSED_KEPT = 500;

function periodMs(): number {
  return env().PACS_POLL_MINUTES * 60_000;
}

/** Enqueues the poll of the next time slot (no-op without a PACS or a period); called at worker start and by each poll. */
export async function schedulePacsPoll(queue: Pick<JobQueue, 'enqueue'> = getQueue(), now = Date.now()): Promise<void> {
  const period = periodMs();
  if (!pacsConfig() || period <= 0) return;
  const slot = Math.floor(now / period) + 1;
  await queue.enqueue(pacsPollJob, { slot }, { idempotencyKey: `pacs.poll:${period}:${slot}`, runAt: new Date(slot * period) });
}

export function dicomDate(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

/** One poll: what it pulled; the next poll is enqueued whatever happened (a PACS that is down is tried next slot). */
export async function pollPacs(job?: Pick<JobContext<unknown>, 'signal'>): Promise<{ since: string; results: PullResult[] }> {
  const pacs = pacsConfig();
  try {
    if (!pacs) return { since: '', results: [] };
    const row = await db().setting.findUnique({ where: { key: STATE_KEY } });
    const state = stateSchema.safeParse(row?.value);
    const today = dicomDate(new Date());
    const since = state.success ? state.data.lastDate : dicomDate(new Date(Date.now() - env().PACS_POLL_LOOKBACK_DAYS * 86_400_000));
    const refused = new Set(state.success ? state.data.refused : []);
    const listed = await listStudies(pacs, { from: since, limit: 1000 });
    const pending = listed.filter((s) => !s.received && !refused.has(s.studyKey));
    const due = pending.slice(0, env().PACS_POLL_MAX_STUDIES);
    job?.signal.throwIfAborted();
    const results = await pullStudies(
      WORKER,
      due.map((s) => s.studyInstanceUid),
      {
        trigger: 'schedule',
        since,
        pacs,
        inTransaction: async (tx, pulled) => {
          for (const r of pulled) if (r.status === 'refused') refused.add(r.studyKey);
          // studies left for the next poll keep the lower bound where it was
          const value = { lastDate: pending.length > due.length ? since : today, refused: [...refused].slice(-REFUSED_KEPT) };
          await tx.setting.upsert({ where: { key: STATE_KEY }, create: { key: STATE_KEY, value }, update: { value } });
        },
      },
    );
    return { since, results };
  } finally {
    await schedulePacsPoll();
  }
}
