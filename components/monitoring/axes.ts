/**
 * The x axis of the monitoring time series: calendar dates for day and week windows, case ranges ("cases 1-50") for
 * windows of N cases. Pure, so the shaping is unit-tested without a browser.
 */

export type WindowMode = 'cases' | 'day' | 'week';

export interface WindowPoint {
  index: number;
  /** The window's label ("cases 1-50", "2026-01-05", "week of 2026-01-05"). */
  window: string;
  /** YYYY-MM-DD a day or week window begins on; null for case windows. */
  period: string | null;
}

/** More labels than this overlap at the chart widths the page gives. */
export const MAX_TICKS = 8;

const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayMonthYear = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** Every k-th value so that at most `max` remain, always keeping the first. */
export function thin<T>(values: T[], max = MAX_TICKS): T[] {
  const step = Math.ceil(values.length / max);
  return step <= 1 ? values : values.filter((_, i) => i % step === 0);
}

const periodDate = (period: string) => new Date(`${period}T00:00:00Z`);

export interface WindowAxis<P extends WindowPoint> {
  /** The x channel of a point. */
  x: (p: P) => number | Date;
  /** Plot scale options for x. */
  scale: {
    type: 'linear' | 'utc';
    label: string;
    ticks: (number | Date)[];
    tickFormat: (v: number | Date) => string;
    tickRotate: number;
  };
}

export function windowAxis<P extends WindowPoint>(points: P[], mode: WindowMode): WindowAxis<P> {
  if (mode === 'cases') {
    const labels = new Map(points.map((p) => [p.index, p.window]));
    const ticks = thin([...labels.keys()].sort((a, b) => a - b));
    return {
      x: (p) => p.index,
      scale: {
        type: 'linear',
        label: 'cases, in order of arrival',
        ticks,
        tickFormat: (v) => labels.get(Number(v)) ?? '',
        tickRotate: ticks.length > 4 ? -20 : 0,
      },
    };
  }
  const days = [...new Set(points.map((p) => p.period).filter((d): d is string => d != null))].sort();
  const spansYears = days.length > 0 && days[0].slice(0, 4) !== days[days.length - 1].slice(0, 4);
  const format = spansYears ? dayMonthYear : dayMonth;
  return {
    x: (p) => periodDate(p.period ?? '1970-01-01'),
    scale: {
      type: 'utc',
      label: mode === 'day' ? 'day (UTC)' : 'week starting (UTC)',
      ticks: thin(days).map(periodDate),
      tickFormat: (v) => format.format(v instanceof Date ? v : new Date(v)),
      tickRotate: 0,
    },
  };
}

/** The tooltip's first line: the window, with its date for case windows. */
export function windowTitle(p: WindowPoint & { start: string }, mode: WindowMode): string {
  if (mode !== 'cases')
    return mode === 'day' ? dayMonthYear.format(periodDate(p.period!)) : `week of ${dayMonthYear.format(periodDate(p.period!))}`;
  return `${p.window} (from ${dayMonthYear.format(new Date(p.start))})`;
}
