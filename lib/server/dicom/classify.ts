import 'server-only';
import { CASE_MODALITIES, type CaseModality } from '../imaging/validate';
import type { ClassificationRule, ClassificationRules } from './rules';

/** What the rules say about one series: a sequence, set aside with a reason, or nothing (no rule matched). */
export type Classification =
  { kind: 'sequence'; role: CaseModality; rule: string } | { kind: 'set-aside'; reason: string; rule: string } | { kind: 'unclassified' };

export function classifySeries(sidecar: Record<string, unknown>, rules: ClassificationRules): Classification {
  for (const r of rules.rules) {
    if (!r.when.every((c) => holds(c, sidecar[c.field]))) continue;
    return r.action === 'SET_ASIDE'
      ? { kind: 'set-aside', reason: r.reason ?? r.name, rule: r.name }
      : { kind: 'sequence', role: r.action, rule: r.name };
  }
  return { kind: 'unclassified' };
}

function holds(c: ClassificationRule['when'][number], value: unknown): boolean {
  const given = value !== undefined && value !== null && value !== '';
  if (c.present !== undefined && c.present !== given) return false;
  if (c.matches !== undefined && !(given && new RegExp(c.matches, 'i').test(text(value)))) return false;
  if (c.min !== undefined || c.max !== undefined) {
    const n = typeof value === 'number' ? value : Number.NaN;
    if (!Number.isFinite(n) || (c.min !== undefined && n < c.min) || (c.max !== undefined && n > c.max)) return false;
  }
  return true;
}

const text = (v: unknown) => (Array.isArray(v) ? v.join('\\') : String(v));

export interface SeriesChoice {
  seriesKey: string;
  role: CaseModality | null;
}

/**
 * A study is complete when each of the four sequences has exactly one candidate; otherwise it waits for a person,
 * and the reason names what is missing and what is ambiguous.
 */
export function decideStudy(
  series: SeriesChoice[],
): { complete: true; roles: Record<CaseModality, string> } | { complete: false; reason: string } {
  const missing: CaseModality[] = [];
  const doubled: string[] = [];
  const roles = {} as Record<CaseModality, string>;
  for (const m of CASE_MODALITIES) {
    const candidates = series.filter((s) => s.role === m);
    if (candidates.length === 0) missing.push(m);
    else if (candidates.length > 1) doubled.push(`${candidates.length} candidates for ${m}`);
    else roles[m] = candidates[0].seriesKey;
  }
  if (!missing.length && !doubled.length) return { complete: true, roles };
  const parts = [...(missing.length ? [`no series for ${missing.join(', ')}`] : []), ...doubled];
  return { complete: false, reason: `${parts.join('; ')}: assign the series by hand` };
}
