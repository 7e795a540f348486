import 'server-only';
/**
 * Output checks that work for any model (no feature tensor, no trainer): flip test-time-augmentation disagreement
 * and the nesting of sigmoid regions, against the distributions `npm run model:calibrate` measured on the
 * hospital's reference cases. A card without those references (the trainer's own models) gets no such rows, so
 * its reports stay as they were; an uncalibrated card gets them as skipped (calibration.ts).
 */
import type { DriftSettings } from '../settings';
import type { CaseOutputStats, CheckResult, DriftReference } from '../types';
import { summaryQuantile } from '@/lib/stats';
import { MAX_SCORE, infoCheck, tailCheck } from './tail';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const flipNames = (flips: number[][]) => flips.map((f) => f.map((a) => 'XYZ'[a]).join('')).join(', ');

export function ttaCheck(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  const kind = 'tta.disagreement';
  const label = 'flip disagreement (test-time augmentation)';
  if (!ref.agnostic) return infoCheck('output', kind, label, out.tta?.disagreement ?? null, 'the card has no flip reference');
  if (!out.tta) return infoCheck('output', kind, label, null, 'not computed');
  const c = tailCheck(
    out.tta.disagreement,
    ref.agnostic.disagreement,
    { family: 'output', kind, label, tails: 'upper', minSpread: settings.ttaMinSpread, population: ref.agnostic.population },
    settings,
  );
  if (c.reason)
    c.reason = `the model is unsure of this case (its mask changes when the input is flipped along ${flipNames(out.tta.flips)}): ${c.reason}`;
  return c;
}

export function nestingCheck(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  const kind = 'nesting.regions';
  const label = 'region nesting (ET in TC in WT)';
  if (ref.outputKind === 'softmax') return infoCheck('output', kind, label, 0, 'softmax labels nest by construction');
  if (out.nesting == null) return infoCheck('output', kind, label, null, 'not computed');
  // a violation share the reference cases reach is not evidence of drift; beyond it and the fixed floor, it is
  const refHigh = ref.agnostic?.nesting ? summaryQuantile(ref.agnostic.nesting, settings.tailQuantile) : 0;
  const limit = Math.max(settings.nestingMaxViolation, refHigh * settings.failScore);
  const score = Math.min(MAX_SCORE, out.nesting / limit);
  const fail = score > 1;
  return {
    family: 'output',
    kind,
    label,
    value: out.nesting,
    reference: ref.agnostic?.nesting
      ? { population: ref.agnostic.population, high: refHigh, quantile: settings.tailQuantile }
      : 'regions painted in order are meant to nest',
    threshold: { failAbove: limit, source: 'max(drift.settings.nestingMaxViolation, reference 99th percentile x failScore)' },
    verdict: fail ? 'fail' : 'pass',
    score,
    reason: fail
      ? `the model's regions do not nest: ${pct(out.nesting)} of an inner region lies outside its outer region (threshold ${pct(limit)})`
      : null,
  };
}

/** The agnostic rows: none for a trainer card (no reference, nothing computed), both otherwise. */
export function agnosticChecks(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  const relevant = ref.agnostic || out.tta || ref.uncalibrated.includes('volumes');
  return relevant ? [ttaCheck(out, ref, settings), nestingCheck(out, ref, settings)] : [];
}
