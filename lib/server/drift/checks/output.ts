import 'server-only';
/**
 * Family 3, output-based: the prediction's subregion volumes, ET/TC ratio, connected-component counts and mean
 * uncertainty against their training distributions (card reference.volumes; ratio and uncertainty when the card
 * carries them).
 */
import type { DriftSettings } from '../settings';
import type { CaseOutputStats, CheckResult, DriftReference, VolumeRegion } from '../types';
import { infoCheck, tailCheck } from './tail';

const REGION_NAMES: Record<VolumeRegion, string> = {
  NCR: 'necrotic core volume',
  ED: 'oedema volume',
  ET: 'enhancing tumour volume',
  TC: 'tumour core volume',
  WT: 'whole tumour volume',
};
/** TC = NCR + ET adds nothing the three parts do not already test. */
const CHECKED_REGIONS: VolumeRegion[] = ['NCR', 'ED', 'ET', 'WT'];

export function volumeChecks(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  return CHECKED_REGIONS.map((r) => {
    const v = out.volumesMl[r];
    const kind = `volume.${r}`;
    if (v == null) return infoCheck('output', kind, REGION_NAMES[r], null, 'not computed', 'mL');
    const q = ref.volumes[r];
    if (!q) return infoCheck('output', kind, REGION_NAMES[r], v, 'the card has no volume reference', 'mL');
    return tailCheck(
      v,
      q,
      {
        family: 'output',
        kind,
        label: REGION_NAMES[r],
        unit: 'mL',
        tails: 'both',
        logOffset: settings.volumeLogOffsetMl,
        population: 'training cases',
      },
      settings,
    );
  });
}

export function ratioCheck(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  const { ET, TC } = out.volumesMl;
  const label = 'ET/TC ratio';
  if (ET == null || TC == null || !(TC > 0)) return infoCheck('output', 'ratio.ET_TC', label, null, 'no tumour core predicted');
  const ratio = ET / TC;
  if (!ref.etTcRatio) return infoCheck('output', 'ratio.ET_TC', label, ratio, 'the card has no ET/TC ratio reference');
  return tailCheck(
    ratio,
    ref.etTcRatio,
    { family: 'output', kind: 'ratio.ET_TC', label, tails: 'both', population: 'training cases' },
    settings,
  );
}

export function componentChecks(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  return (['WT', 'TC', 'ET'] as const).map((r) => {
    const kind = `components.${r}`;
    const label = `${r} connected components`;
    const n = out.componentCounts?.[r];
    if (n == null) return infoCheck('output', kind, label, null, 'not computed');
    const q = ref.components[r];
    if (!q) return infoCheck('output', kind, label, n, 'the card has no component reference');
    const fromPredictions = ref.componentSource === 'predictions';
    const population = fromPredictions ? 'validation predictions' : 'training labels';
    const c = tailCheck(
      n,
      q,
      { family: 'output', kind, label, tails: 'upper', minSpread: settings.minCountSpread, population, format: (v) => v.toFixed(0) },
      settings,
    );
    if (fromPredictions) return c;
    // ground-truth counts are not like for like (a prediction's stray voxels are components too): warn only
    return { ...c, advisory: true, verdict: c.verdict === 'fail' ? 'warn' : c.verdict };
  });
}

/** The lesion size the count uses: the card's, when it records lesion counts, so both sides count alike. */
export const lesionMinMl = (ref: DriftReference, settings: DriftSettings) => ref.lesions?.minMl ?? settings.minLesionMl;

/**
 * Lesions (lesion-sized WT components of the prediction) against the card's lesion counts of training labels, or
 * else its all-component counts: fail-capable even then, because dropping small components can only under-count
 * (a conservative test).
 */
export function lesionCheck(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  const label = `lesions (whole-tumour components >= ${lesionMinMl(ref, settings)} mL)`;
  if (out.lesions == null) return infoCheck('output', 'lesions', label, null, 'predicted mask not read');
  const q = ref.lesions?.counts ?? ref.components.WT;
  if (!q) return infoCheck('output', 'lesions', label, out.lesions, 'the card has no component reference');
  const population = ref.lesions
    ? 'training labels'
    : ref.componentSource === 'predictions'
      ? 'validation predictions'
      : 'training labels (all components)';
  return tailCheck(
    out.lesions,
    q,
    {
      family: 'output',
      kind: 'lesions',
      label: 'lesion count',
      tails: 'upper',
      minSpread: settings.minCountSpread,
      population,
      format: (v) => v.toFixed(0),
    },
    settings,
  );
}

export function uncertaintyCheck(out: CaseOutputStats, ref: DriftReference, settings: DriftSettings): CheckResult {
  // mean softmax entropy over the predicted tumour, normalised by ln(classes) to 0..1 (lib/server/inference)
  const label = 'mean uncertainty in the predicted tumour';
  if (out.uncertainty == null) return infoCheck('output', 'uncertainty', label, null, 'not computed (no tumour predicted)');
  if (!ref.uncertainty) return infoCheck('output', 'uncertainty', label, out.uncertainty, 'the card has no uncertainty reference');
  return tailCheck(
    out.uncertainty,
    ref.uncertainty,
    { family: 'output', kind: 'uncertainty', label, tails: 'upper', population: 'validation cases' },
    settings,
  );
}
