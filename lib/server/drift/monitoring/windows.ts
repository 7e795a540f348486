import 'server-only';
/** Time windows over the monitored cases: every N cases, or calendar days / ISO weeks (UTC). */

export type WindowMode = 'cases' | 'day' | 'week';

export interface Windowed<T> {
  key: string;
  label: string;
  start: string;
  end: string;
  rows: T[];
}

const day = (iso: string) => iso.slice(0, 10);

/** Monday (UTC) of the ISO week containing the date. */
function weekStart(iso: string): string {
  const d = new Date(`${day(iso)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** Rows must be sorted by createdAt ascending; the last "cases" window may be partial. */
export function makeWindows<T extends { createdAt: string }>(rows: T[], mode: WindowMode, windowCases: number): Windowed<T>[] {
  const out: Windowed<T>[] = [];
  if (mode === 'cases') {
    for (let i = 0; i < rows.length; i += windowCases) {
      const part = rows.slice(i, i + windowCases);
      out.push({
        key: `cases-${i}`,
        label: `cases ${i + 1}-${i + part.length}`,
        start: part[0].createdAt,
        end: part[part.length - 1].createdAt,
        rows: part,
      });
    }
    return out;
  }
  const keyOf = mode === 'day' ? day : weekStart;
  for (const r of rows) {
    const key = keyOf(r.createdAt);
    let w = out[out.length - 1];
    if (!w || w.key !== key) {
      w = { key, label: mode === 'day' ? key : `week of ${key}`, start: r.createdAt, end: r.createdAt, rows: [] };
      out.push(w);
    }
    w.rows.push(r);
    w.end = r.createdAt;
  }
  return out;
}
