import 'server-only';
import type { SegmentResult } from '../inference';

/**
 * Where the time from request to drift report goes, per prediction (issue #27), stored in Prediction.timingsMs
 * under `stages` beside the pipeline's own timings. The stages add up to `requestToReport` exactly: `other` is
 * what no stage claims (the serving plan's queries, a first session creation).
 */
export const STAGES = ['queueWait', 'read', 'preprocess', 'network', 'postprocess', 'drift', 'writes', 'other'] as const;
export type Stage = (typeof STAGES)[number];
export type StageTimings = Record<Stage, number>;

export interface StoredTimings extends Partial<SegmentResult['timingsMs']> {
  stages?: StageTimings;
  /** ms from the moment the job could run (its runAt) to the drift report written */
  requestToReport?: number;
}

/**
 * A stopwatch for one serving target. `since`: when the request became runnable (the job's runAt); the time until
 * this target started is its queue wait (for a second model of the same case, that includes the first model's turn).
 */
export function stageClock(since: Date | undefined) {
  const startedAt = Date.now();
  const t0 = performance.now();
  const queueWait = since ? Math.max(0, startedAt - since.getTime()) : 0;
  const spent: Record<Exclude<Stage, 'queueWait' | 'other'>, number> = {
    read: 0,
    preprocess: 0,
    network: 0,
    postprocess: 0,
    drift: 0,
    writes: 0,
  };
  return {
    /** runs `f` and adds its wall time to `stage` */
    async time<T>(stage: keyof typeof spent, f: () => Promise<T>): Promise<T> {
      const s = performance.now();
      try {
        return await f();
      } finally {
        spent[stage] += performance.now() - s;
      }
    },
    /** the pipeline's own split: the sliding window (network runs and the blending they do not hide) is `network` */
    segmented(t: SegmentResult['timingsMs']): void {
      spent.preprocess += t.preprocess;
      spent.network += t.inference;
      spent.postprocess += t.postprocess;
    },
    /** the stages so far, rounded to 0.1 ms; `other` makes them sum to requestToReport */
    summary(): { stages: StageTimings; requestToReport: number } {
      const r = (v: number) => Math.round(v * 10) / 10;
      const named = Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, r(v)])) as typeof spent;
      const stages = { queueWait: r(queueWait), ...named };
      const requestToReport = r(queueWait + performance.now() - t0);
      const other = r(requestToReport - Object.values(stages).reduce((a, b) => a + b, 0));
      return { stages: { ...stages, other }, requestToReport };
    },
  };
}
export type StageClock = ReturnType<typeof stageClock>;
