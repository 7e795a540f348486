/** Number formats of the comparison views (isomorphic: server tables and client plots share them). */
export const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3));
export const signed = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
export const ciText = (c: { estimate: number; lower: number; upper: number } | null | undefined, withSign = false) =>
  c
    ? `${withSign ? signed(c.estimate) : f3(c.estimate)} [${withSign ? signed(c.lower) : f3(c.lower)}, ${withSign ? signed(c.upper) : f3(c.upper)}]`
    : '—';
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
