import 'server-only';
import { AppError } from '../errors';
import { parsePayload, PermanentJobError, retryDelayMs, type JobDefinition } from './registry';
import { errorMessage, markFailed, markRetry, markSucceeded, release, renewLease, writeProgress, type JobRow } from './store';
import type { JobEvent, JobHandler, JobStatus } from './types';

/** How one attempt ended, as far as the Job row is concerned. LOST: the lease was taken over; nothing was written. */
export type AttemptStatus = JobStatus | 'LOST' | 'RELEASED';

export interface AttemptOutcome {
  status: AttemptStatus;
  result?: unknown;
  error?: string;
}

export interface AttemptArgs {
  row: JobRow;
  def: JobDefinition<unknown, unknown>;
  handler: JobHandler<unknown, unknown>;
  workerId: string;
  leaseMs: number;
  /** Fired when the worker stops: the attempt is released, not counted as a failure. */
  stopSignal: AbortSignal;
  emit(event: JobEvent): void;
  /** Persists "try again later" (the implementations schedule retries differently); false when the fence failed. */
  scheduleRetry?(row: JobRow, error: string, delayMs: number): Promise<boolean>;
}

class StopRequested extends Error {
  constructor() {
    super('the worker is stopping');
  }
}

const retryAfterDelay = (workerId: string) => (row: JobRow, error: string, delayMs: number) =>
  markRetry(row.id, workerId, error, new Date(Date.now() + delayMs));

/** Runs one claimed attempt: validates the payload, keeps the lease alive, enforces the timeout, records the outcome. */
export async function runAttempt(args: AttemptArgs): Promise<AttemptOutcome> {
  const { row, workerId } = args;
  const started = Date.now();
  args.emit({ type: 'start', id: row.id, name: row.name, attempt: row.attempts, worker: workerId });
  const settled = await execute(args);
  const outcome = await record(args, settled);
  args.emit({
    type: 'finish',
    id: row.id,
    name: row.name,
    attempt: row.attempts,
    worker: workerId,
    status: outcome.status === 'LOST' || outcome.status === 'RELEASED' ? 'QUEUED' : outcome.status,
    ms: Date.now() - started,
    error: outcome.error,
  });
  return outcome;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown; stopped: boolean };

async function execute(args: AttemptArgs): Promise<Settled> {
  const { row, def, workerId, leaseMs } = args;
  let payload: unknown;
  try {
    payload = parsePayload(def, row.payload);
  } catch (err) {
    return { ok: false, error: new PermanentJobError(errorMessage(err)), stopped: false };
  }
  const controller = new AbortController();
  let settled = false;
  // A renewal answered after the attempt ended must not abort anything (nor arm the give-up timer).
  const abort = (reason: Error) => !settled && !controller.signal.aborted && controller.abort(reason);
  const onStop = () => abort(new StopRequested());
  args.stopSignal.addEventListener('abort', onStop);
  if (args.stopSignal.aborted) onStop();
  const timeout = setTimeout(() => abort(new Error(`timed out after ${def.policy.timeoutMs} ms`)), def.policy.timeoutMs);
  const heartbeat = setInterval(
    () => {
      renewLease(row.id, workerId).then(
        (held) => held || abort(new Error('lease lost: another worker took this job over')),
        () => undefined, // a failed renewal is retried at the next beat; the lease outlives a few misses
      );
    },
    Math.max(50, Math.floor(leaseMs / 4)),
  );
  let giveUp: NodeJS.Timeout | undefined;
  try {
    const run = args.handler({
      id: row.id,
      name: row.name,
      payload,
      attempt: row.attempts,
      queuedAt: row.runAt,
      signal: controller.signal,
      reportProgress: async (p: number) => {
        if (!(p >= 0 && p <= 1)) throw new RangeError(`progress must be within [0, 1], got ${p}`);
        if (!(await writeProgress(row.id, workerId, p))) abort(new Error('lease lost: another worker took this job over'));
      },
    });
    // A handler that ignores its aborted signal is given up on after one lease period, so the slot is not held forever.
    const abandoned = new Promise<never>((_, reject) => {
      const arm = () => (giveUp = setTimeout(() => reject(controller.signal.reason), leaseMs));
      if (controller.signal.aborted) arm();
      else controller.signal.addEventListener('abort', arm);
    });
    return { ok: true, value: await Promise.race([run, abandoned]) };
  } catch (err) {
    const reason = controller.signal.aborted ? controller.signal.reason : err;
    return { ok: false, error: reason, stopped: reason instanceof StopRequested };
  } finally {
    settled = true;
    clearTimeout(timeout);
    clearTimeout(giveUp);
    clearInterval(heartbeat);
    args.stopSignal.removeEventListener('abort', onStop);
  }
}

function isPermanent(err: unknown): boolean {
  return err instanceof PermanentJobError || (err instanceof AppError && err.code === 'INVALID_INPUT');
}

const lost: AttemptOutcome = { status: 'LOST', error: 'lease lost to another worker: this outcome was discarded' };

async function record(args: AttemptArgs, settled: Settled): Promise<AttemptOutcome> {
  const { row, workerId } = args;
  if (settled.ok) {
    return (await markSucceeded(row.id, workerId, settled.value)) ? { status: 'SUCCEEDED', result: settled.value } : lost;
  }
  if (settled.stopped) return (await release(row.id, workerId)) ? { status: 'RELEASED', error: 'released: the worker is stopping' } : lost;
  const error = errorMessage(settled.error);
  if (isPermanent(settled.error) || row.attempts >= row.maxAttempts) {
    const final = row.attempts >= row.maxAttempts ? `${error} (attempt ${row.attempts} of ${row.maxAttempts})` : error;
    return (await markFailed(row.id, workerId, final)) ? { status: 'FAILED', error: final } : lost;
  }
  const retry = args.scheduleRetry ?? retryAfterDelay(workerId);
  const scheduled = await retry(row, error, retryDelayMs(args.def.policy, row.attempts));
  return scheduled ? { status: 'QUEUED', error } : lost;
}
