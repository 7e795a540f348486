import 'server-only';
import { BaseQueue, jobSignals, type Registration } from './base-queue';
import { policyOf, retryDelayMs } from './registry';
import { claimNext, findStale, insertJob, recoverStale, errorMessage, type JobRow } from './store';
import type { EnqueueOptions, EnqueueResult, JobHandler, JobQueue, JobRef, WorkOptions } from './types';

/**
 * In-process worker over the Job table (SQLite: one file, so one host). A short poll finds due jobs, an enqueue in
 * this process wakes it at once, and a periodic sweep hands jobs of dead workers (stale leases) back to the queue.
 */
export class SqliteQueue extends BaseQueue implements JobQueue {
  readonly kind = 'sqlite' as const;
  private running = false;
  private loop?: Promise<void>;
  private wakePending = false;
  private wake?: () => void;
  private lastSweep = 0;
  private readonly active = new Map<string, number>();
  private readonly onEnqueued = (name: string) => {
    if (this.registrations.has(name)) this.wakeUp();
  };

  async enqueue<P, I>(job: JobRef<P, I>, payload: I, options: EnqueueOptions): Promise<EnqueueResult> {
    const p = this.prepare(job, payload, options);
    const { row, created } = await insertJob(p.def, p.stored, p);
    if (created) jobSignals().emit('enqueued', p.def.name);
    return { jobId: row.id, created };
  }

  async work<P, I, R>(job: JobRef<P, I>, handler: JobHandler<P, R>, options: WorkOptions = {}): Promise<void> {
    this.register(job, handler, options.concurrency);
    this.wakeUp();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopController = new AbortController();
    jobSignals().on('enqueued', this.onEnqueued);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    jobSignals().off('enqueued', this.onEnqueued);
    this.wakeUp();
    await this.loop;
    await this.drain();
  }

  private async run() {
    while (this.running) {
      try {
        await this.sweepIfDue();
        await this.fill();
      } catch (err) {
        this.emit({ type: 'error', message: `poll failed: ${errorMessage(err)}` });
      }
      await this.sleep(this.opts.pollMs);
    }
  }

  /** Claims due jobs for every registered kind until its concurrency is used up or nothing is due. */
  private async fill() {
    for (const reg of this.registrations.values()) {
      while (this.running && (this.active.get(reg.def.name) ?? 0) < reg.concurrency) {
        const row = await claimNext(reg.def.name, this.workerId);
        if (!row) break;
        this.launch(reg, row);
      }
    }
  }

  private launch(reg: Registration, row: JobRow) {
    const name = reg.def.name;
    this.active.set(name, (this.active.get(name) ?? 0) + 1);
    const attempt = this.attempt(reg, row)
      .catch((err) => this.emit({ type: 'error', message: `job ${row.id}: ${errorMessage(err)}` }))
      .finally(() => {
        this.active.set(name, (this.active.get(name) ?? 1) - 1);
        this.wakeUp();
      });
    this.track(attempt);
  }

  /** Any worker may recover any kind: the job goes back to QUEUED (or FAILED), and a worker that handles it claims it. */
  private async sweepIfDue() {
    if (Date.now() - this.lastSweep < this.opts.sweepMs) return;
    this.lastSweep = Date.now();
    for (const row of await findStale(this.opts.leaseMs)) {
      const policy = policyOf(row.name);
      const status = await recoverStale(row, this.opts.leaseMs, new Date(Date.now() + retryDelayMs(policy, row.attempts)));
      if (status) this.emit({ type: 'recovered', id: row.id, name: row.name, status, error: `lease of ${row.lockedBy} expired` });
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending || !this.running) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }

  private wakeUp() {
    if (this.wake) this.wake();
    else this.wakePending = true;
  }
}
