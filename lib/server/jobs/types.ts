import 'server-only';
import type { Tx } from '../db';
import type { JobDefinition } from './registry';

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** A job kind is named by its registered name or by its definition object (which also types the payload). */
export type JobRef<P = unknown, I = P> = string | JobDefinition<P, I>;

export interface EnqueueOptions {
  /** Same key -> same job: a second enqueue returns the existing job instead of creating another. */
  idempotencyKey: string;
  /** Overrides the definition's maxAttempts for this job (1..10). */
  maxAttempts?: number;
  /** Earliest start; defaults to now. */
  runAt?: Date;
  /** Insert the job inside the caller's transaction, so it commits (or not) with the state change that caused it. */
  tx?: Tx;
}

export interface EnqueueResult {
  jobId: string;
  created: boolean;
}

/** What a handler receives for one attempt. */
export interface JobContext<P> {
  id: string;
  name: string;
  payload: P;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  /** When the job could first run this attempt (its runAt): the handler's queue wait is measured from here. */
  queuedAt: Date;
  /** Aborted when the attempt times out, the lease is lost or the worker stops: long handlers must honour it. */
  signal: AbortSignal;
  /** Records progress in [0, 1] on the Job row (visible through get()). */
  reportProgress(p: number): Promise<void>;
}

export type JobHandler<P = unknown, R = unknown> = (job: JobContext<P>) => Promise<R>;

export interface WorkOptions {
  /** How many jobs of this kind this process runs at once. */
  concurrency?: number;
}

export interface JobDto {
  id: string;
  name: string;
  status: JobStatus;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  progress: number;
  runAt: string;
  lockedAt: string | null;
  lockedBy: string | null;
  result: unknown;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JobListQuery {
  status?: JobStatus;
  name?: string;
  take?: number;
}

/** Emitted by a queue for logs (the worker prints one line per start and finish). */
export type JobEvent =
  | { type: 'start'; id: string; name: string; attempt: number; worker: string }
  | { type: 'finish'; id: string; name: string; attempt: number; worker: string; status: JobStatus; ms: number; error?: string }
  | { type: 'recovered'; id: string; name: string; status: JobStatus; error: string }
  | { type: 'error'; message: string };

export interface JobQueue {
  readonly kind: 'sqlite' | 'pg-boss';
  readonly workerId: string;
  enqueue<P, I>(job: JobRef<P, I>, payload: I, options: EnqueueOptions): Promise<EnqueueResult>;
  /** Registers the handler for one job kind; jobs start flowing once start() has been called. */
  work<P, I, R>(job: JobRef<P, I>, handler: JobHandler<P, R>, options?: WorkOptions): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs, waits for in-flight ones up to the grace period, then releases the rest to be retried. */
  stop(): Promise<void>;
  get(jobId: string): Promise<JobDto | null>;
  list(query?: JobListQuery): Promise<JobDto[]>;
  /** Jobs queued or running: the back-pressure signal (ingestion answers 503 above QUEUE_LIMIT). */
  depth(): Promise<number>;
  onEvent(listener: (event: JobEvent) => void): () => void;
}

export interface QueueOptions {
  /** A RUNNING job whose lease (lockedAt) is older than this is treated as abandoned by a dead worker. */
  leaseMs?: number;
  /** How often to look for due jobs when nothing wakes the worker (SQLite). */
  pollMs?: number;
  /** How often to look for abandoned leases. */
  sweepMs?: number;
  /** How long stop() waits for in-flight jobs before releasing them. */
  graceMs?: number;
  /** Names the worker in Job.lockedBy and logs; defaults to host:pid:random. */
  workerId?: string;
}
