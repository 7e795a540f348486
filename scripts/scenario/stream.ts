/**
 * Cases arriving at the hospital's gateway: each one is posted to the real ingestion API as soon as the app has
 * capacity (at most `inFlight` unserved cases), the physician looks at every served in-distribution case and flags
 * some, and — while the stream runs — the reading room works the review queue until retraining triggers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createFlag } from '@/lib/server/flags';
import { listCasePredictions } from '@/lib/server/cases/predictions';
import { retryBusy } from './busy';
import { postCase } from './client';
import { groundTruth, readCase, type CaseRef } from './cohorts';
import { flagReasonFor, seededCoin } from './plan';
import { workQueue, type ReadingRoom } from './radiologist';
import { servingError, servingState } from './waits';
import type { Cast } from './setup';

export interface Arrival {
  index: number;
  ref: CaseRef;
  caseId: string;
  sentAt: number;
  servedAt: number | null;
  flagged: boolean;
}

export interface StreamContext {
  baseUrl: string;
  cast: Cast;
  seed: string;
  flagRate: number;
  /** database case id -> generated case (ground truth), filled as cases are posted */
  known: Map<string, CaseRef>;
  /**
   * database case id -> arrival index, set once the case is served and the physician has looked at it (its place in
   * the review queue is then final). The reading room works in arrival order behind it, so the cases that trigger
   * retraining, and with them the snapshot, the candidate and the gate's verdict, do not depend on timing.
   */
  settled?: Map<string, number>;
  /** a failure elsewhere (the reading room) that must stop the stream */
  failure?: () => unknown;
  log: (m: string) => void;
}

/** The physician reviews a served in-distribution case; a seeded share of them gets a flag with a fitting reason. */
async function physicianReview(ctx: StreamContext, a: Arrival): Promise<void> {
  if (a.ref.domain !== 'A' || !seededCoin(`flag:${ctx.seed}`, a.ref.caseId, ctx.flagRate)) return;
  const shown = (await listCasePredictions(a.caseId, 'PHYSICIAN'))[0];
  if (!shown) return;
  const gt = await groundTruth(a.ref);
  const reason = flagReasonFor(shown.volumesMl.WT ?? 0, gt.wtMl);
  await retryBusy(() =>
    createFlag(ctx.cast.physician, { caseId: a.caseId, predictionId: shown.id, reason, note: 'Flagged during reporting (scenario).' }),
  );
  a.flagged = true;
}

/** Posts `refs` in order, keeping at most `inFlight` unserved; resolves when every case is served and reviewed. */
export async function runStream(
  ctx: StreamContext,
  refs: CaseRef[],
  opts: { inFlight: number; timeoutMs: number; firstIndex?: number },
): Promise<Arrival[]> {
  const arrivals: Arrival[] = [];
  const open: Arrival[] = [];
  const deadline = Date.now() + opts.timeoutMs;
  let next = 0;
  while (next < refs.length || open.length) {
    if (ctx.failure?.()) throw ctx.failure();
    while (next < refs.length && open.length < opts.inFlight) {
      const ref = refs[next];
      const folder = await readCase(ref);
      const sentAt = Date.now();
      const posted = await postCase(ctx.baseUrl, ctx.cast.ingestToken, folder);
      ctx.known.set(posted.caseId, ref);
      const a: Arrival = { index: (opts.firstIndex ?? 0) + next, ref, caseId: posted.caseId, sentAt, servedAt: null, flagged: false };
      arrivals.push(a);
      open.push(a);
      next++;
    }
    for (const a of [...open]) {
      const s = await servingState(a.caseId);
      if (s === 'failed') throw new Error(`serving failed for ${a.ref.caseId}: ${await servingError(a.caseId)}`);
      if (s !== 'done') continue;
      a.servedAt = Date.now();
      open.splice(open.indexOf(a), 1);
      await physicianReview(ctx, a);
      ctx.settled?.set(a.caseId, a.index);
    }
    if (Date.now() > deadline)
      throw new Error(`stream not served within ${opts.timeoutMs / 1000} s (${open.length} cases open); see server.log`);
    if (open.length >= opts.inFlight || next >= refs.length) await sleep(500);
  }
  return arrivals;
}

/**
 * The reading room alongside the stream: passes over the review queue every few seconds until retraining triggers.
 * After the stream ends it makes one last pass; it never waits for cases that will not come.
 */
export async function runReadingRoom(ctx: StreamContext, streamDone: () => boolean, room: ReadingRoom): Promise<void> {
  while (!room.trigger?.triggered) {
    const finished = streamDone();
    const before = room.approved;
    await workQueue(ctx.cast, ctx.baseUrl, ctx.known, ctx.seed, room, ctx.settled);
    if (room.approved !== before) ctx.log(`reading room: ${room.approved} labels approved`);
    if (finished) return;
    await sleep(2000);
  }
}
