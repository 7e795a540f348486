import 'server-only';
import os from 'node:os';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { getJob, listJobs, queueDepth } from './queries';
import { parsePayload, resolveJob, type JobDefinition } from './registry';
import { runAttempt, type AttemptArgs } from './runner';
import type { JobRow } from './store';
import type { EnqueueOptions, JobDto, JobEvent, JobHandler, JobListQuery, JobQueue, JobRef, QueueOptions } from './types';

export const QUEUE_DEFAULTS: Required<Omit<QueueOptions, 'workerId'>> = {
  leaseMs: 60_000,
  pollMs: 250,
  sweepMs: 10_000,
  graceMs: 30_000,
};

// One emitter per process (on globalThis because Next.js may load this module once per bundle): an enqueue wakes
// every worker of this process at once instead of waiting for its next poll.
const globalForJobs = globalThis as unknown as { tumorwatchJobSignals?: EventEmitter };
export function jobSignals(): EventEmitter {
  globalForJobs.tumorwatchJobSignals ??= new EventEmitter().setMaxListeners(100);
  return globalForJobs.tumorwatchJobSignals;
}

export interface Registration {
  def: JobDefinition<unknown, unknown>;
  handler: JobHandler<unknown, unknown>;
  concurrency: number;
}

/** What both implementations share: reads from the Job table, events, handler registry and graceful draining. */
export abstract class BaseQueue implements Pick<JobQueue, 'workerId' | 'get' | 'list' | 'depth' | 'onEvent'> {
  readonly workerId: string;
  protected readonly opts: Required<Omit<QueueOptions, 'workerId'>>;
  protected readonly registrations = new Map<string, Registration>();
  protected stopController = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<(event: JobEvent) => void>();

  constructor(options: QueueOptions = {}) {
    const { workerId, ...rest } = options;
    this.opts = { ...QUEUE_DEFAULTS, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    this.workerId = workerId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  }

  get(jobId: string): Promise<JobDto | null> {
    return getJob(jobId);
  }

  list(query?: JobListQuery): Promise<JobDto[]> {
    return listJobs(query);
  }

  depth(): Promise<number> {
    return queueDepth();
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit(event: JobEvent) {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty log listener must not break job processing.
      }
    }
  }

  /** Validates before anything is written: a bad payload or option fails the caller, never the worker. */
  protected prepare<P, I>(job: JobRef<P, I>, payload: I, options: EnqueueOptions) {
    const def = resolveJob(job) as JobDefinition<unknown, unknown>;
    parsePayload(def, payload);
    const maxAttempts = options.maxAttempts ?? def.policy.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10)
      throw new Error(`maxAttempts must be an integer in 1..10, got ${maxAttempts}`);
    if (!options.idempotencyKey) throw new Error('idempotencyKey is required');
    // The input is stored (JSON-normalised) and parsed again by the worker, so schemas with defaults or transforms
    // give the handler exactly what they would have given at enqueue time.
    const stored = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
    return { def, stored, maxAttempts, runAt: options.runAt ?? new Date(), idempotencyKey: options.idempotencyKey, tx: options.tx };
  }

  /** One attempt of a claimed row by this worker (the implementations differ only in how a retry is scheduled). */
  protected attempt(reg: Registration, row: JobRow, scheduleRetry?: AttemptArgs['scheduleRetry']) {
    return runAttempt({
      row,
      def: reg.def,
      handler: reg.handler,
      workerId: this.workerId,
      leaseMs: this.opts.leaseMs,
      stopSignal: this.stopController.signal,
      emit: (e) => this.emit(e),
      scheduleRetry,
    });
  }

  protected register<P, I, R>(job: JobRef<P, I>, handler: JobHandler<P, R>, concurrency = 1): Registration {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
    const registration: Registration = {
      def: resolveJob(job) as JobDefinition<unknown, unknown>,
      handler: handler as JobHandler<unknown, unknown>,
      concurrency,
    };
    this.registrations.set(registration.def.name, registration);
    return registration;
  }

  protected track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  protected get busy(): number {
    return this.inFlight.size;
  }

  /** Waits for in-flight attempts up to graceMs, then signals the rest to stop (they are released, not failed). */
  protected async drain(): Promise<void> {
    const all = () => Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.graceMs)));
    const first = await Promise.race([all().then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'timeout') {
      this.stopController.abort();
      await all();
    }
  }
}
