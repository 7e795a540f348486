import 'server-only';
import { createHash } from 'node:crypto';

export interface SplitCandidate {
  caseId: string;
  /** what the seeded hash ranks (default caseId): the pseudonymised case id, so a rebuilt database splits alike */
  key?: string;
  site: string | null;
}

export interface SplitResult {
  train: string[];
  holdout: string[];
}

const UNKNOWN_SITE = '\u0000unknown';
const rank = (seed: string, id: string) => createHash('sha256').update(`${seed}\u0000${id}`).digest('hex');

/**
 * Seeded split of new cases between training and the drifter hold-out, stratified by site: each site gives the
 * hold-out its share of the total (largest remainders settle the rounding), cases without a site form their own
 * stratum. Which cases go is decided by a hash of (seed, key), so the split is the same on every machine and every
 * database holding the same cases, and does not depend on the order the cases arrive in. With two or more cases and
 * 0 < fraction, both sides get at least one case.
 */
export function splitHoldout(cases: SplitCandidate[], fraction: number, seed: string): SplitResult {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`hold-out fraction must be in [0, 1), got ${fraction}`);
  const n = cases.length;
  const target = holdoutCount(n, fraction);
  const strata = new Map<string, SplitCandidate[]>();
  for (const c of cases) {
    const key = c.site?.trim() || UNKNOWN_SITE;
    strata.set(key, [...(strata.get(key) ?? []), c]);
  }
  const quotas = allocate(
    [...strata.entries()].map(([site, members]) => ({ site, size: members.length })),
    target,
    n,
    seed,
  );
  const holdout = new Set<string>();
  const keyOf = (c: SplitCandidate) => rank(seed, c.key ?? c.caseId);
  for (const [site, members] of strata) {
    const ordered = [...members].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    for (const c of ordered.slice(0, quotas.get(site) ?? 0)) holdout.add(c.caseId);
  }
  const ids = cases.map((c) => c.caseId).sort();
  return { train: ids.filter((id) => !holdout.has(id)), holdout: ids.filter((id) => holdout.has(id)) };
}

export function holdoutCount(n: number, fraction: number): number {
  if (n < 2 || fraction <= 0) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
}

/** Largest-remainder apportionment of `total` hold-out slots over strata, ties broken by a seeded hash of the site. */
function allocate(strata: { site: string; size: number }[], total: number, n: number, seed: string): Map<string, number> {
  const ideal = strata.map((s) => ({ ...s, exact: (total * s.size) / n }));
  const quotas = new Map(ideal.map((s) => [s.site, Math.floor(s.exact)]));
  let left = total - [...quotas.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...ideal].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || rank(seed, a.site).localeCompare(rank(seed, b.site)),
  );
  for (const s of byRemainder) {
    if (left <= 0) break;
    if ((quotas.get(s.site) ?? 0) < s.size) {
      quotas.set(s.site, (quotas.get(s.site) ?? 0) + 1);
      left--;
    }
  }
  return quotas;
}
