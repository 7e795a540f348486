import 'server-only';
/**
 * Population drift of one tracked quantity in one window against the card's reference: PSI (effect size), two-sample
 * KS p-value (significance) and Wasserstein-1 distance (in the quantity's unit, and relative to the reference IQR).
 */
import { ks2samp, psi, quantiles, wasserstein1 } from '@/lib/stats';
import type { DriftSettings } from '../settings';

export type WindowStatus = 'ok' | 'warn' | 'alert' | 'insufficient';

export interface WindowStats {
  n: number;
  psi: number | null;
  ksP: number | null;
  w1: number | null;
  /** W1 divided by the reference interquartile range (unitless, comparable across quantities) */
  w1Iqr: number | null;
  status: WindowStatus;
}

/** PSI's noise floor is about (bins - 1) / n, so small windows get fewer bins (>= 5 cases per bin). */
export const psiBins = (n: number) => Math.max(3, Math.min(10, Math.floor(n / 5)));

/**
 * alert: significant after Bonferroni over `tests` quantities AND a material shift (PSI >= psiWarn);
 * warn: a major PSI alone, or significance without the correction. Windows under minWindowCases never alert.
 */
export function windowStats(values: number[], reference: number[], settings: DriftSettings, tests: number): WindowStats {
  const p = settings.population;
  const n = values.length;
  if (n === 0 || reference.length === 0) return { n, psi: null, ksP: null, w1: null, w1Iqr: null, status: 'insufficient' };
  const psiValue = psi(reference, values, { bins: psiBins(n) });
  const ksP = ks2samp(values, reference).pValue;
  const w1 = wasserstein1(values, reference);
  const [q1, q3] = quantiles(reference, [0.25, 0.75]);
  const w1Iqr = q3 > q1 ? w1 / (q3 - q1) : null;
  let status: WindowStatus = 'ok';
  if (n < p.minWindowCases) status = 'insufficient';
  else if (ksP < p.ksAlpha / Math.max(1, tests) && psiValue >= p.psiWarn) status = 'alert';
  else if (psiValue >= p.psiAlert || ksP < p.ksAlpha) status = 'warn';
  return { n, psi: psiValue, ksP, w1, w1Iqr, status };
}
