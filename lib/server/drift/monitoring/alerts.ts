import 'server-only';
/**
 * Alert shaping for the monitoring page: which cases drive a drifted quantity in a window, and alerts grouped by
 * window and quantity (one line per quantity, its segments beside each other). Pure (unit-tested).
 */
import { quantiles } from '@/lib/stats';
import type { MonitoredCase } from './data';

/** A case behind an alert: its value and whether it lies outside the reference's central 90%. */
export interface DriverCase {
  caseId: string;
  externalId: string;
  value: number;
  outside: boolean;
}

/** At most this many driving cases per quantity and window: a link, not a listing. */
export const MAX_DRIVERS = 20;
/** When no case is outside the reference range (the whole window shifted a little), the furthest few are shown. */
const FURTHEST = 5;

/**
 * The window's cases that pull the quantity away from the reference: those outside its 5-95% range, furthest from
 * the reference median first (in IQR units); if none is outside, the few furthest from the median.
 */
export function drivingCases(rows: MonitoredCase[], kind: string, reference: number[]): DriverCase[] {
  const [lo, q1, median, q3, hi] = quantiles(reference, [0.05, 0.25, 0.5, 0.75, 0.95]);
  const scale = q3 > q1 ? q3 - q1 : 1;
  const scored = rows
    .filter((r) => r.values[kind] != null)
    .map((r) => {
      const value = r.values[kind];
      return {
        caseId: r.caseId,
        externalId: r.externalId,
        value,
        outside: value < lo || value > hi,
        distance: Math.abs(value - median) / scale,
      };
    })
    .sort((a, b) => b.distance - a.distance);
  const outside = scored.filter((c) => c.outside);
  const picked = outside.length ? outside.slice(0, MAX_DRIVERS) : scored.slice(0, FURTHEST);
  return picked.map(({ caseId, externalId, value, outside: o }) => ({ caseId, externalId, value, outside: o }));
}

/** What grouping needs of one alert row (build.ts's AlertRow). */
export interface GroupableAlert {
  kind: string;
  label: string;
  unit: string;
  segment: string;
  window: string;
  /** ISO time of the window's first case: orders windows (segments cut their own case windows). */
  windowStart: string;
  status: 'alert' | 'warn' | 'ok' | 'insufficient';
  message: string;
  drivers: DriverCase[];
}

export interface AlertQuantityGroup<A extends GroupableAlert> {
  kind: string;
  label: string;
  status: 'alert' | 'warn';
  alerts: A[];
  /** Driving cases of every segment, each once. */
  cases: DriverCase[];
}

export interface AlertWindowGroup<A extends GroupableAlert> {
  window: string;
  status: 'alert' | 'warn';
  quantities: AlertQuantityGroup<A>[];
  /** Every driving case of the window, each once (the review-queue link). */
  caseIds: string[];
}

const worst = (alerts: GroupableAlert[]): 'alert' | 'warn' => (alerts.some((a) => a.status === 'alert') ? 'alert' : 'warn');

function uniqueCases(alerts: GroupableAlert[]): DriverCase[] {
  const seen = new Map<string, DriverCase>();
  for (const a of alerts) for (const c of a.drivers) if (!seen.has(c.caseId)) seen.set(c.caseId, c);
  return [...seen.values()];
}

/**
 * Newest window first; inside a window, quantities with an alert before those with only warnings, then by how many
 * segments they drifted in. Rows keep their incoming order inside a quantity.
 */
export function groupAlerts<A extends GroupableAlert>(alerts: A[]): AlertWindowGroup<A>[] {
  const byWindow = new Map<string, Map<string, A[]>>();
  const latestStart = new Map<string, string>();
  for (const a of alerts) {
    if (a.windowStart > (latestStart.get(a.window) ?? '')) latestStart.set(a.window, a.windowStart);
    const quantities = byWindow.get(a.window) ?? new Map<string, A[]>();
    quantities.set(a.kind, [...(quantities.get(a.kind) ?? []), a]);
    byWindow.set(a.window, quantities);
  }
  return [...byWindow]
    .sort(([a], [b]) => latestStart.get(b)!.localeCompare(latestStart.get(a)!))
    .map(([window, quantities]) => {
      const groups = [...quantities.values()]
        .map((rows) => ({ kind: rows[0].kind, label: rows[0].label, status: worst(rows), alerts: rows, cases: uniqueCases(rows) }))
        .sort((a, b) => Number(b.status === 'alert') - Number(a.status === 'alert') || b.alerts.length - a.alerts.length);
      const all = groups.flatMap((g) => g.alerts);
      return {
        window,
        status: worst(all),
        quantities: groups,
        caseIds: uniqueCases(all).map((c) => c.caseId),
      };
    });
}

/** The review queue narrowed to these cases (the queue reads `cases` as comma-separated case ids). */
export const reviewQueueHref = (caseIds: string[]) => `/review?cases=${caseIds.map(encodeURIComponent).join(',')}`;
