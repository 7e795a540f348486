/**
 * Pure planning of the scenario's case stream: which arriving case comes from the shifted domain, and which
 * in-distribution cases a physician flags. Deterministic (no clock, no Math.random), so a run is reproducible and the
 * plan is unit-tested (tests/scenario/plan.test.ts).
 */
import { createHash } from 'node:crypto';

export type Domain = 'A' | 'shifted';

/**
 * Shifted share of arrival i (0-based) of n: 0 before `start` (a fraction of the stream), then growing linearly to
 * `share` at the last arrival.
 */
export function shiftedShareAt(i: number, n: number, start: number, share: number): number {
  const first = Math.floor(start * n);
  if (i < first || n <= 1) return 0;
  const span = Math.max(1, n - 1 - first);
  return share * Math.min(1, (i - first + 1) / (span + 1));
}

/**
 * Domain of each arrival: arrival i is shifted when the running sum of shares crosses the next whole number, so the
 * shifted count up to any point equals the floor of the expected count (no randomness, no clumping).
 */
export function planStream(n: number, start: number, share: number): Domain[] {
  const out: Domain[] = [];
  let expected = 0;
  let shifted = 0;
  for (let i = 0; i < n; i++) {
    expected += shiftedShareAt(i, n, start, share);
    if (Math.floor(expected + 1e-9) > shifted) {
      out.push('shifted');
      shifted++;
    } else out.push('A');
  }
  return out;
}

/** Arrivals of a later phase (shadow, canary): the share reached at the end of the stream, spread evenly. */
export function planSteady(n: number, share: number): Domain[] {
  const out: Domain[] = [];
  let expected = 0;
  let shifted = 0;
  for (let i = 0; i < n; i++) {
    expected += share;
    if (Math.floor(expected + 1e-9) > shifted) {
      out.push('shifted');
      shifted++;
    } else out.push('A');
  }
  return out;
}

/** A seeded, order-independent coin: the same case id always gets the same answer. */
export function seededCoin(seed: string, id: string, p: number): boolean {
  const h = createHash('sha256').update(`${seed}\u0000${id}`).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < p;
}

export type FlagReason = 'MISSED_LESION' | 'FALSE_POSITIVE' | 'BOUNDARY';

/**
 * What a physician would say about a prediction, judged the way a reader judges at a glance: whole-tumour volume
 * shown vs the lesion seen. Under 85 % of it: a missed part; over 115 %: a false positive; otherwise the boundary.
 */
export function flagReasonFor(predictedWtMl: number, trueWtMl: number): FlagReason {
  if (trueWtMl <= 0) return predictedWtMl > 0 ? 'FALSE_POSITIVE' : 'BOUNDARY';
  const r = predictedWtMl / trueWtMl;
  return r < 0.85 ? 'MISSED_LESION' : r > 1.15 ? 'FALSE_POSITIVE' : 'BOUNDARY';
}

/** The queue in arrival order, cut before the first case that is not settled yet (all of it without `settled`). */
export function inArrivalOrder<T extends { caseId: string }>(queue: T[], settled?: Map<string, number>): T[] {
  if (!settled) return queue;
  let frontier = 0;
  const seen = new Set(settled.values());
  while (seen.has(frontier)) frontier++;
  return queue
    .filter((item) => (settled.get(item.caseId) ?? Infinity) < frontier)
    .sort((a, b) => settled.get(a.caseId)! - settled.get(b.caseId)!);
}
