import 'server-only';
/** Builds the monitoring dashboard from the monitored cases and the card reference. Pure (unit-tested). */
import { quantiles } from '@/lib/stats';
import type { MonitoringSplit } from '@/lib/monitoring-splits';
import type { DriftSettings } from '../settings';
import { UNKNOWN_ACQUISITION } from './acquisition';
import type { DriftReference } from '../types';
import type { MonitoredCase } from './data';
import { windowStats, type WindowStats } from './population';
import { TRACKED_QUANTITIES, quantity, referenceValues } from './quantities';
import { makeWindows, type WindowMode } from './windows';
import { drivingCases, groupAlerts, type DriverCase } from './alerts';

export type Split = MonitoringSplit;

export interface SeriesPoint {
  window: string;
  index: number;
  start: string;
  /** The calendar day (UTC, YYYY-MM-DD) a day or week window begins on; null for windows of N cases. */
  period: string | null;
  series: string;
  segment: string;
  value: number;
}

export interface QuantityRow extends WindowStats {
  kind: string;
  label: string;
  unit: string;
  segment: string;
  window: string;
  /** ISO time of the window's first case. */
  windowStart: string;
}

export interface AlertRow extends QuantityRow {
  message: string;
  /** The window's cases that pull the quantity away from its reference. */
  drivers: DriverCase[];
}

export interface OverlayData {
  kind: string;
  label: string;
  unit: string;
  production: number[];
  reference: number[];
}

export interface DashboardOptions {
  window: WindowMode;
  split: Split;
  overlays: string[];
}

const ALL = 'all cases';
function segmentOf(r: MonitoredCase, split: Split): string {
  if (split === 'none') return ALL;
  if (split === 'site' || split === 'scanner') return r[split];
  return r.acquisition?.[split] ?? UNKNOWN_ACQUISITION[split];
}
const fmtP = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

function segments(rows: MonitoredCase[], split: Split): [string, MonitoredCase[]][] {
  const groups = new Map<string, MonitoredCase[]>([[ALL, rows]]);
  if (split === 'none') return [...groups];
  for (const r of rows) {
    const key = segmentOf(r, split);
    const g = groups.get(key);
    if (g && key !== ALL) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups];
}

/** Drifter rate, flag rate and median subregion volumes per window, per segment. */
function timeSeries(rows: MonitoredCase[], opts: DashboardOptions, settings: DriftSettings) {
  const rates: SeriesPoint[] = [];
  const volumes: SeriesPoint[] = [];
  for (const [segment, seg] of segments(rows, opts.split)) {
    makeWindows(seg, opts.window, settings.population.windowCases).forEach((w, index) => {
      const base = { window: w.label, index, start: w.start, period: opts.window === 'cases' ? null : w.key, segment };
      rates.push({ ...base, series: 'drifter rate', value: w.rows.filter((r) => r.isDrifter).length / w.rows.length });
      rates.push({ ...base, series: 'flag rate', value: w.rows.filter((r) => r.flagged).length / w.rows.length });
      for (const region of ['WT', 'NCR', 'ED', 'ET']) {
        const v = w.rows.map((r) => r.values[`volume.${region}`]).filter((x) => x != null);
        if (v.length) volumes.push({ ...base, series: region, value: quantiles(v, [0.5])[0] });
      }
    });
  }
  return { rates, volumes };
}

/** Every tracked quantity with a reference, in every window of every segment. */
function quantityRows(
  rows: MonitoredCase[],
  ref: DriftReference,
  opts: DashboardOptions,
  settings: DriftSettings,
): (QuantityRow & { drivers?: DriverCase[] })[] {
  const tracked = TRACKED_QUANTITIES.map((q) => ({ q, reference: referenceValues(q, ref) })).filter((t) => t.reference);
  const out: (QuantityRow & { drivers?: DriverCase[] })[] = [];
  for (const [segment, seg] of segments(rows, opts.split)) {
    for (const w of makeWindows(seg, opts.window, settings.population.windowCases)) {
      for (const { q, reference } of tracked) {
        const values = w.rows.map((r) => r.values[q.kind]).filter((v): v is number => v != null);
        if (values.length === 0) continue;
        const stats = windowStats(values, reference!, settings, tracked.length);
        const drifted = stats.status === 'alert' || stats.status === 'warn';
        out.push({
          kind: q.kind,
          label: q.label,
          unit: q.unit,
          segment,
          window: w.label,
          windowStart: w.start,
          ...stats,
          ...(drifted ? { drivers: drivingCases(w.rows, q.kind, reference!) } : {}),
        });
      }
    }
  }
  return out;
}

function alertMessage(r: QuantityRow): string {
  const w1 = r.w1 == null ? '' : `, W1 ${r.w1.toPrecision(3)}${r.unit ? ` ${r.unit}` : ''}`;
  return `${r.label} ${r.status === 'alert' ? 'drifted' : 'may have drifted'} in ${r.window} (${r.segment}, n = ${r.n}): PSI ${r.psi!.toFixed(2)}, KS p = ${fmtP(r.ksP!)}${w1}`;
}

export function buildDashboard(rows: MonitoredCase[], ref: DriftReference, settings: DriftSettings, opts: DashboardOptions) {
  const table = quantityRows(rows, ref, opts, settings);
  const alerts: AlertRow[] = table
    .filter((r) => r.status === 'alert' || r.status === 'warn')
    .sort((a, b) => Number(b.status === 'alert') - Number(a.status === 'alert') || (a.ksP ?? 1) - (b.ksP ?? 1))
    .map((r) => ({ ...r, message: alertMessage(r), drivers: r.drivers ?? [] }));
  const overlays: OverlayData[] = opts.overlays.flatMap((kind) => {
    const q = quantity(kind);
    const reference = q && referenceValues(q, ref);
    const production = rows.map((r) => r.values[kind]).filter((v): v is number => v != null);
    return q && reference && production.length ? [{ kind, label: q.label, unit: q.unit, production, reference }] : [];
  });
  const lastWindow = (segment: string) => table.filter((r) => r.segment === segment).at(-1)?.window;
  const latest = table.filter((r) => r.segment === ALL && r.window === lastWindow(ALL));
  return {
    windowMode: opts.window,
    ...timeSeries(rows, opts, settings),
    table,
    latest,
    alerts,
    alertGroups: groupAlerts(alerts),
    overlays,
  };
}

export type Dashboard = ReturnType<typeof buildDashboard>;
