import 'server-only';
import type PgBoss from 'pg-boss';
import { db, isUniqueViolation, type Tx } from '../db';
import { BaseQueue, jobSignals, type Registration } from './base-queue';
import { policyOf, retryDelayMs } from './registry';
import { claimById, errorMessage, findOverdue, findStale, insertJob, markRetry, recoverStale, type JobRow } from './store';
import { createBoss, createQueueOnce, deliveryId, prismaExecutor, sendOptions, type Delivery } from './pgboss-support';
import type { EnqueueOptions, EnqueueResult, JobHandler, JobQueue, JobRef, WorkOptions } from './types';

/**
 * PostgreSQL: pg-boss moves the work (SKIP LOCKED fetches, any number of processes and hosts, expiry of a dead
 * worker's message) while the Job row stays the record the UI reads and the fence that decides who may run an
 * attempt. Each message names a (Job, generation): only the generation matching the row's attempts may claim it, so a
 * late or duplicate message can never start a second run.
 */
export class PgBossQueue extends BaseQueue implements JobQueue {
  readonly kind = 'pg-boss' as const;
  private booting?: Promise<PgBoss>;
  private pollingIntervalSeconds = 0.5;
  private readonly queues = new Set<string>();
  private readonly bossWorkers = new Map<string, string[]>();
  private running = false;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping: Promise<void> = Promise.resolve();
  private readonly onEnqueued = (name: string) => {
    const boss = this.bossWorkers.get(name);
    if (boss) void this.ready().then((b) => boss.forEach((id) => b.notifyWorker(id)));
  };

  async enqueue<P, I>(job: JobRef<P, I>, payload: I, options: EnqueueOptions): Promise<EnqueueResult> {
    const p = this.prepare(job, payload, options);
    const boss = await this.ready();
    await this.ensureQueue(boss, p.def.name);
    // The row and its first message commit together (in the caller's transaction when one is given).
    const insertAndSend = async (tx: Tx) => {
      const { row, created } = await insertJob(p.def, p.stored, { ...p, tx });
      if (created) await this.send(boss, row, p.runAt, prismaExecutor(tx));
      return { jobId: row.id, created };
    };
    let result: EnqueueResult;
    try {
      result = p.tx ? await insertAndSend(p.tx) : await db().$transaction(insertAndSend);
    } catch (err) {
      if (p.tx || !isUniqueViolation(err)) throw err;
      const winner = await insertJob(p.def, p.stored, p); // a concurrent enqueue of the same key committed first
      result = { jobId: winner.row.id, created: false };
    }
    if (result.created) jobSignals().emit('enqueued', p.def.name);
    return result;
  }

  async work<P, I, R>(job: JobRef<P, I>, handler: JobHandler<P, R>, options: WorkOptions = {}): Promise<void> {
    const reg = this.register(job, handler, options.concurrency);
    if (this.running) await this.attach(reg);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopController = new AbortController();
    await this.ready();
    for (const reg of this.registrations.values()) await this.attach(reg);
    jobSignals().on('enqueued', this.onEnqueued);
    this.sweepTimer = setInterval(() => this.sweepSoon(), this.opts.sweepMs);
    this.sweepSoon(); // recover what a previous, crashed process left behind
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      clearInterval(this.sweepTimer);
      jobSignals().off('enqueued', this.onEnqueued);
      await this.sweeping;
      const boss = await this.ready();
      for (const name of this.bossWorkers.keys()) await boss.offWork(name);
      this.bossWorkers.clear();
      await this.drain();
    }
    const booting = this.booting;
    this.booting = undefined;
    this.queues.clear();
    if (booting) await (await booting).stop({ graceful: true, timeout: 1_000, wait: true });
  }

  private ready(): Promise<PgBoss> {
    this.booting ??= (async () => {
      const { boss, pollingIntervalSeconds } = createBoss(this.opts.pollMs);
      this.pollingIntervalSeconds = pollingIntervalSeconds;
      boss.on('error', (err) => this.emit({ type: 'error', message: `pg-boss: ${errorMessage(err)}` }));
      await boss.start();
      return boss;
    })().catch((err) => {
      this.booting = undefined; // let the next call try again (database not up yet)
      throw err;
    });
    return this.booting;
  }

  /** pg-boss 10 needs the queue before send() or work(). */
  private async ensureQueue(boss: PgBoss, name: string) {
    if (this.queues.has(name)) return;
    await createQueueOnce(boss, name);
    this.queues.add(name);
  }

  /** Sends the message for the row's current generation (its attempts so far). */
  private async send(boss: PgBoss, row: JobRow, startAfter: Date, executor?: PgBoss.Db) {
    const policy = policyOf(row.name);
    const data: Delivery = { jobId: row.id, generation: row.attempts };
    const options = sendOptions(row.id, row.attempts, policy, row.maxAttempts, this.opts.leaseMs, startAfter);
    await boss.send(row.name, data, executor ? { ...options, db: executor } : options);
  }

  private async attach(reg: Registration) {
    const boss = await this.ready();
    await this.ensureQueue(boss, reg.def.name);
    for (const id of this.bossWorkers.get(reg.def.name) ?? []) await boss.offWork({ id });
    const ids: string[] = [];
    for (let i = 0; i < reg.concurrency; i++) {
      const options = { batchSize: 1, pollingIntervalSeconds: this.pollingIntervalSeconds };
      ids.push(await boss.work<Delivery>(reg.def.name, options, ([message]) => this.track(this.deliver(reg, message))));
    }
    this.bossWorkers.set(reg.def.name, ids);
  }

  /** Returning completes the message; throwing makes pg-boss deliver it again later. */
  private async deliver(reg: Registration, message: PgBoss.Job<Delivery>) {
    if (!this.running) throw new Error('the worker is stopping');
    const { jobId, generation } = message.data;
    const { claimed, current } = await claimById(jobId, generation, this.workerId, this.opts.leaseMs);
    if (!claimed) return this.unclaimed(generation, current);
    const outcome = await this.attempt(reg, claimed, (row, error, delayMs) => this.retryLater(row, error, delayMs));
    if (outcome.status === 'RELEASED') throw new Error('released: the worker stopped during this attempt');
    return { status: outcome.status };
  }

  private async unclaimed(generation: number, row: JobRow | null) {
    if (row?.status === 'RUNNING' && row.attempts === generation + 1) {
      const stale = row.lockedAt !== null && row.lockedAt.getTime() < Date.now() - this.opts.leaseMs;
      if (!stale) throw new Error(`job ${row.id} is running on ${row.lockedBy}; delivery deferred`);
      await this.recover(row); // the dead worker's last attempt: no attempts left to claim
    }
    // Missing, finished, or a newer generation carries it: this message is spent.
    return { skipped: row?.status ?? 'missing' };
  }

  /** A failed attempt with attempts left: the next generation's message is scheduled at the exact backoff. */
  private async retryLater(row: JobRow, error: string, delayMs: number): Promise<boolean> {
    const runAt = new Date(Date.now() + delayMs);
    if (!(await markRetry(row.id, this.workerId, error, runAt))) return false;
    // If this send fails, the sweep's repair finds the QUEUED row without a message and sends it.
    await this.send(await this.ready(), { ...row, status: 'QUEUED' }, runAt).catch((err) =>
      this.emit({ type: 'error', message: `retry send for ${row.id}: ${errorMessage(err)}` }),
    );
    return true;
  }

  private sweepSoon() {
    this.sweeping = this.sweeping
      .then(() => this.sweep())
      .catch((err) => this.emit({ type: 'error', message: `sweep failed: ${errorMessage(err)}` }));
  }

  private async sweep() {
    if (!this.running) return;
    for (const row of await findStale(this.opts.leaseMs)) await this.recover(row);
    for (const row of await findOverdue(Math.max(this.opts.leaseMs, 5 * this.opts.pollMs))) await this.repair(row);
  }

  /** Takes a dead worker's job back: its message is cancelled and the next generation is sent (or the job fails). */
  private async recover(row: JobRow) {
    const runAt = new Date(Date.now() + retryDelayMs(policyOf(row.name), row.attempts));
    const status = await recoverStale(row, this.opts.leaseMs, runAt);
    if (!status) return;
    const boss = await this.ready();
    await this.ensureQueue(boss, row.name);
    await boss.cancel(row.name, deliveryId(row.id, row.attempts - 1));
    if (status === 'QUEUED') await this.send(boss, row, runAt);
    this.emit({ type: 'recovered', id: row.id, name: row.name, status, error: `lease of ${row.lockedBy} expired` });
  }

  /** A QUEUED row whose message is missing or spent (a crash between two writes) gets its message again. */
  private async repair(row: JobRow) {
    const boss = await this.ready();
    await this.ensureQueue(boss, row.name);
    const id = deliveryId(row.id, row.attempts);
    const found = await boss.getJobById(row.name, id);
    if (found && (found.state === 'created' || found.state === 'retry' || found.state === 'active')) return;
    if (found) await boss.deleteJob(row.name, id);
    await this.send(boss, row, new Date());
  }
}
