import 'server-only';

/** Plain-text formatting shared by the evidence document's sections (both renderers print these strings as is). */
export const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
export const dt = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
export const ci = (c: { estimate: number; lower: number; upper: number } | null | undefined) =>
  c ? `${num(c.estimate)} [${num(c.lower)}, ${num(c.upper)}]` : '—';
export const ref = (m: { name: string; version: string; id: string } | null | undefined) => (m ? `${m.name}@${m.version} (${m.id})` : '—');
export const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));
