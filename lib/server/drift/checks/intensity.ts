import 'server-only';
/**
 * Family 1, intensity statistics per sequence: the case's 1st percentile, median and 99th percentile inside the
 * brain against how those vary across training cases (card reference.intensity.caseP01/caseMedian/caseP99), and the
 * brain's volume when the card records it. Raw MRI intensities are on an arbitrary, multiplicative scale, so they
 * are compared on a log scale.
 */
import type { DriftSettings } from '../settings';
import { MODALITIES, type CaseImageStats, type CheckResult, type DriftReference } from '../types';
import { infoCheck, tailCheck } from './tail';

const STATS = [
  { key: 'p01', level: 0.01, label: '1st-percentile intensity' },
  { key: 'median', level: 0.5, label: 'median intensity' },
  { key: 'p99', level: 0.99, label: '99th-percentile intensity' },
] as const;

function levelIndex(levels: number[], level: number): number {
  return levels.findIndex((l) => Math.abs(l - level) < 1e-9);
}

export function intensityChecks(image: CaseImageStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  const out: CheckResult[] = [];
  for (const ch of MODALITIES) {
    const q = image.intensity[ch];
    const r = ref.intensity?.channels[ch];
    for (const s of STATS) {
      const kind = `intensity.${ch}.${s.key}`;
      const label = `${ch} ${s.label}`;
      const i = levelIndex(image.levels, s.level);
      if (!q || i < 0) {
        out.push(infoCheck('input', kind, label, null, q ? 'level not computed' : `${ch} absent or empty`));
        continue;
      }
      if (!r) {
        out.push(infoCheck('input', kind, label, q[i], `the card has no ${ch} intensity reference`));
        continue;
      }
      // offset: 1 intensity unit keeps log finite for a percentile at exactly 0; the spread floor: a reference
      // narrower than that (a homogeneous training set) is not evidence that a slightly different scale is harmful
      const minSpread = Math.log1p(settings.intensityMinRelativeSpread);
      out.push(
        tailCheck(
          q[i],
          r[s.key],
          { family: 'input', kind, label, tails: 'both', logOffset: 1, minSpread, population: 'training cases' },
          settings,
        ),
      );
    }
  }
  return out;
}

export function brainVolumeCheck(image: CaseImageStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  const label = 'brain volume (non-zero voxels)';
  if (image.brainVolumeMl == null) return infoCheck('input', 'brainVolume', label, null, 'no image', 'mL');
  if (!ref.metadata.brainVolumeMl)
    return infoCheck('input', 'brainVolume', label, image.brainVolumeMl, 'the card records no brain volumes', 'mL');
  return tailCheck(
    image.brainVolumeMl,
    ref.metadata.brainVolumeMl,
    { family: 'input', kind: 'brainVolume', label, unit: 'mL', tails: 'both', logOffset: 1, population: 'training cases' },
    settings,
  );
}
