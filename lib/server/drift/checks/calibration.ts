import 'server-only';
/**
 * Checks that need a reference part an uncalibrated card lacks (an imported model registered before
 * `npm run model:calibrate`) are reported as skipped, with the way to calibrate, instead of passing silently or
 * failing: the clinician sees that the check exists and why it did not run.
 */
import type { CardReferencePart } from '@/lib/schemas/model-card';
import type { CheckResult, DriftReference } from '../types';

export const NOT_CALIBRATED = 'not calibrated: run npm run model:calibrate';

/** The card reference part a check compares against (null: it needs none, e.g. sequences present, acquisition). */
export function referencePartOf(kind: string): CardReferencePart | null {
  if (kind.startsWith('intensity.')) return 'intensity';
  if (['spacing', 'dims', 'orientation', 'datatype', 'brainVolume'].includes(kind)) return 'imageMetadata';
  if (kind === 'features.mahalanobis') return 'features';
  if (/^(volume|ratio|components|tta)\./.test(kind) || kind === 'lesions' || kind === 'uncertainty') return 'volumes';
  return null;
}

/** A check that had no reference (info) because its card part is not calibrated becomes a visible skip. */
export function markUncalibrated(checks: CheckResult[], ref: DriftReference): CheckResult[] {
  if (ref.uncalibrated.length === 0) return checks;
  return checks.map((c) => {
    const part = referencePartOf(c.kind);
    if (c.verdict !== 'info' || !part || !ref.uncalibrated.includes(part)) return c;
    return { ...c, verdict: 'skipped', reference: `${NOT_CALIBRATED} (the card has no reference.${part})`, reason: null };
  });
}

/** The populations the checks name when the reference is the trainer's (checks/*.ts). */
const TRAINER_POPULATIONS = [
  'training labels (all components)',
  'validation predictions',
  'validation cases',
  'training labels',
  'training cases',
];

/**
 * With a calibrated reference every population is the hospital's reference cases: the checks, written for the
 * trainer's card, would otherwise say "training cases" about statistics that came from elsewhere.
 */
export function namePopulation(checks: CheckResult[], ref: DriftReference): CheckResult[] {
  const name = ref.referencePopulation;
  if (!name) return checks;
  const rename = (text: string) => TRAINER_POPULATIONS.reduce((t, p) => t.replaceAll(`of ${p} (`, `of ${name} (`), text);
  return checks.map((c) => {
    const r = c.reference as { population?: unknown } | null;
    const renamed = r && typeof r === 'object' && typeof r.population === 'string' && TRAINER_POPULATIONS.includes(r.population);
    if (!renamed && !c.reason) return c;
    return { ...c, reference: renamed ? { ...r, population: name } : c.reference, reason: c.reason && rename(c.reason) };
  });
}
