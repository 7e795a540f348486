import 'server-only';

/** Plain-text formatting shared by the evidence document's sections (both renderers print these strings as is). */
export const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
export const dt = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
export const ci = (c: { estimate: number; lower: number; upper: number } | null | undefined) =>
  c ? `${num(c.estimate)} [${num(c.lower)}, ${num(c.upper)}]` : '—';
export const ref = (m: { name: string; version: string; id: string } | null | undefined) => (m ? `${m.name}@${m.version} (${m.id})` : '—');

const MAX_ROWS = 60;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

/**
 * A nested configuration (run parameters, the model card's sections) as readable rows: dotted keys, one value each,
 * lists of plain values joined by commas. The report never prints a JSON dump; a regulator reads a table.
 */
export function flatten(v: unknown, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  const walk = (x: unknown, key: string) => {
    if (rows.length >= MAX_ROWS) return;
    if (Array.isArray(x)) {
      if (x.every((e) => e === null || typeof e !== 'object')) rows.push([key, x.map(scalar).join(', ') || '(none)']);
      else x.forEach((e, i) => walk(e, `${key}[${i + 1}]`));
    } else if (x !== null && typeof x === 'object') {
      const entries = Object.entries(x);
      if (entries.length === 0) rows.push([key, '(none)']);
      for (const [k, e] of entries) walk(e, key ? `${key}.${k}` : k);
    } else rows.push([key, scalar(x)]);
  };
  if (v === null || v === undefined) return [];
  walk(v, prefix);
  if (rows.length >= MAX_ROWS) rows.push(['…', `further entries are in the model card (first ${MAX_ROWS} shown)`]);
  return rows;
}
