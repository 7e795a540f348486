import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { db } from '../db';
import { blobs } from '../blobs';
import { appendPoint, type CurvePoint } from './curve';

const TAIL_LINES = 200;
const TAIL_CHARS = 16_000;

/**
 * A run's live state: the full log goes to a file (stored as a blob when the run ends), the last lines, the progress
 * and the loss curve go to the run row at most once per flush interval. Each flush is also the cancellation check: the update
 * only applies while the run is RUNNING, so a run someone cancelled shows up as an update that changed nothing.
 */
export class RunReporter {
  private readonly tail: string[] = [];
  private readonly file: fs.WriteStream;
  private progressValue = 0;
  private curvePoints: CurvePoint[] = [];
  private totalSteps: number | null = null;
  private curveDirty = false;
  private dirty = true;
  private cancelled = false;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly cancelListeners: (() => void)[] = [];
  private closing?: Promise<string | null>;

  constructor(
    readonly runId: string,
    readonly logPath: string,
    private readonly flushMs = 1_000,
  ) {
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    this.file = fs.createWriteStream(logPath, { flags: 'a' });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushMs);
  }

  log(line: string): void {
    const text = line.replace(/\s+$/, '');
    this.file.write(`${text}\n`);
    this.tail.push(text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text);
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
    this.dirty = true;
  }

  progress(p: number): void {
    const v = Math.min(1, Math.max(0, p));
    if (v !== this.progressValue) {
      this.progressValue = v;
      this.dirty = true;
    }
  }

  /** A trainer progress event's loss / validation Dice, for the run's curves. */
  point(p: CurvePoint & { totalSteps?: number }): void {
    const { totalSteps, ...point } = p;
    this.curvePoints = appendPoint(this.curvePoints, point);
    if (totalSteps) this.totalSteps = totalSteps;
    this.curveDirty = true;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  onCancel(listener: () => void): void {
    if (this.cancelled) listener();
    else this.cancelListeners.push(listener);
  }

  logTail(): string {
    let text = this.tail.join('\n');
    if (text.length > TAIL_CHARS) text = text.slice(text.length - TAIL_CHARS);
    return text;
  }

  /** Writes progress, and tail and curve if they changed; notices a cancellation either way. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      const [wasDirty, curveWasDirty] = [this.dirty, this.curveDirty];
      try {
        const data = {
          progress: this.progressValue,
          ...(wasDirty ? { logTail: this.logTail() } : {}),
          ...(curveWasDirty ? { curve: { points: this.curvePoints, totalSteps: this.totalSteps } as object } : {}),
        };
        this.dirty = this.curveDirty = false;
        const { count } = await db().workflowRun.updateMany({ where: { id: this.runId, status: 'RUNNING' }, data });
        if (count === 0 && !this.cancelled) {
          const run = await db().workflowRun.findUnique({ where: { id: this.runId }, select: { status: true } });
          if (run?.status === 'CANCELLED') {
            this.cancelled = true;
            for (const l of this.cancelListeners.splice(0)) l();
          }
        }
      } catch (err) {
        // retried at the next tick; a busy database must not kill the run
        this.dirty ||= wasDirty;
        this.curveDirty ||= curveWasDirty;
        console.error(`[run ${this.runId}] progress update failed`, err);
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Stops the timer, closes the log file and stores it; returns the blob key (null when nothing was logged). */
  close(): Promise<string | null> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<string | null> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.curveDirty) await this.flush(); // the last points would otherwise be lost with the timer
    await new Promise<void>((resolve) => this.file.end(resolve));
    const size = fs.existsSync(this.logPath) ? fs.statSync(this.logPath).size : 0;
    if (size === 0) return null;
    return (await blobs().put(fs.createReadStream(this.logPath), { contentType: 'text/plain' })).key;
  }
}
