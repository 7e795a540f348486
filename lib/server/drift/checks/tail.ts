import 'server-only';
/**
 * The shared rule for checks against a reference distribution given as quantiles. On a (possibly log) scale, a
 * value's tail position is its distance from the reference median in units of the median -> tail-quantile span
 * (1 = exactly at the 99th or 1st percentile). The check's score divides that by settings.failScore, so for every
 * check 1 is the fail threshold.
 */
import { summaryQuantile, type QuantileSummary } from '@/lib/stats';
import type { DriftSettings } from '../settings';
import type { CheckFamily, CheckResult } from '../types';

export const MAX_SCORE = 10;

export interface TailOptions {
  family: CheckFamily;
  kind: string;
  /** noun phrase for reasons: "enhancing tumour volume" */
  label: string;
  unit?: string;
  tails: 'upper' | 'lower' | 'both';
  /** compare on log(x + logOffset) (for positive, multiplicative quantities: volumes, raw intensities) */
  logOffset?: number;
  /** floor for the median -> tail span (in the compared scale), for references where all cases agree */
  minSpread?: number;
  /** who the reference describes: "training cases", "validation cases" */
  population: string;
  format?: (v: number) => string;
}

export const fmt = (v: number) =>
  v === 0 ? '0' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);

export function ordinal(p: number): string {
  const n = Math.round(p * 100);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export function tailCheck(x: number, ref: QuantileSummary, opts: TailOptions, settings: DriftSettings): CheckResult {
  const q = settings.tailQuantile;
  const canLog = opts.logOffset != null && x + opts.logOffset > 0 && summaryQuantile(ref, 0) + opts.logOffset > 0;
  const t = (v: number) => (canLog ? Math.log(v + opts.logOffset!) : v);
  const inv = (v: number) => (canLog ? Math.exp(v) - opts.logOffset! : v);
  const [lo, med, hi] = [summaryQuantile(ref, 1 - q), summaryQuantile(ref, 0.5), summaryQuantile(ref, q)].map(t);
  const floor = opts.minSpread ?? 1e-9;
  const upSpan = Math.max(hi - med, floor);
  const downSpan = Math.max(med - lo, floor);
  const xt = t(x);
  const up = opts.tails !== 'lower' && xt > med ? (xt - med) / upSpan : 0;
  const down = opts.tails !== 'upper' && xt < med ? (med - xt) / downSpan : 0;
  const score = Math.min(MAX_SCORE, Math.max(up, down) / settings.failScore);
  const failAbove = opts.tails !== 'lower' ? inv(med + settings.failScore * upSpan) : null;
  const failBelow = opts.tails !== 'upper' ? inv(med - settings.failScore * downSpan) : null;
  const f = opts.format ?? fmt;
  const unit = opts.unit ? ` ${opts.unit}` : '';
  const fail = score > 1;
  const above = up >= down;
  const tailValue = inv(above ? hi : lo);
  const reason = fail
    ? `${opts.label} ${f(x)}${unit}, ${above ? 'above' : 'below'} the ${ordinal(above ? q : 1 - q)} percentile of ${opts.population} (${f(tailValue)}${unit})`
    : null;
  return {
    family: opts.family,
    kind: opts.kind,
    label: opts.label,
    value: x,
    unit: opts.unit,
    reference: {
      population: opts.population,
      median: inv(med),
      low: inv(lo),
      high: inv(hi),
      quantile: q,
      scale: canLog ? 'log' : 'linear',
    },
    threshold: { failBelow, failAbove, failScore: settings.failScore },
    verdict: fail ? 'fail' : 'pass',
    score,
    reason,
  };
}

/** A check with no usable reference: the value is recorded (population monitoring still tracks it). */
export function infoCheck(
  family: CheckFamily,
  kind: string,
  label: string,
  value: CheckResult['value'],
  why: string,
  unit?: string,
): CheckResult {
  return { family, kind, label, value, unit, reference: why, threshold: null, verdict: 'info', score: null, reason: null };
}
