import 'server-only';
/** The per-case quantities population monitoring tracks, and where each one's reference lives in the card. */
import { referenceSample, type QuantileSummary } from '@/lib/stats';
import { MODALITIES, type DriftReference } from '../types';

export interface TrackedQuantity {
  kind: string;
  label: string;
  unit: string;
  family: 'input' | 'image' | 'output';
  reference(ref: DriftReference): { summary: QuantileSummary; n: number } | null;
}

const some = (summary: QuantileSummary | null | undefined, n: number) => (summary ? { summary, n } : null);
const trainVal = (r: DriftReference) => r.cases.train + r.cases.val;

export const TRACKED_QUANTITIES: TrackedQuantity[] = [
  ...(['WT', 'NCR', 'ED', 'ET'] as const).map((region): TrackedQuantity => ({
    kind: `volume.${region}`,
    label: `${region} volume`,
    unit: 'mL',
    family: 'output',
    reference: (r) => some(r.volumes[region], trainVal(r)),
  })),
  { kind: 'ratio.ET_TC', label: 'ET/TC ratio', unit: '', family: 'output', reference: (r) => some(r.etTcRatio, r.cases.val) },
  { kind: 'components.WT', label: 'WT components', unit: '', family: 'output', reference: (r) => some(r.components.WT, trainVal(r)) },
  {
    kind: 'tta.disagreement',
    label: 'flip disagreement',
    unit: '',
    family: 'output',
    reference: (r) => some(r.agnostic?.disagreement, r.cases.val),
  },
  { kind: 'uncertainty', label: 'mean uncertainty', unit: '', family: 'output', reference: (r) => some(r.uncertainty, r.cases.val) },
  {
    kind: 'features.mahalanobis',
    label: 'feature distance',
    unit: '',
    family: 'image',
    reference: (r) =>
      r.features ? { summary: r.features.distances, n: r.features.distanceSource === 'validation' ? r.cases.val : r.cases.train } : null,
  },
  ...MODALITIES.map((ch): TrackedQuantity => ({
    kind: `intensity.${ch}.median`,
    label: `${ch} median intensity`,
    unit: '',
    family: 'input',
    reference: (r) => some(r.intensity?.channels[ch]?.median, r.cases.train),
  })),
  ...MODALITIES.map((ch): TrackedQuantity => ({
    kind: `intensity.${ch}.shape`,
    label: `${ch} histogram shape`,
    unit: 'SD',
    family: 'image',
    reference: (r) => some(r.intensity?.channels[ch]?.shapeDistance, r.cases.train),
  })),
  {
    kind: 'brainVolume',
    label: 'brain volume',
    unit: 'mL',
    family: 'input',
    reference: (r) => some(r.metadata.brainVolumeMl, trainVal(r)),
  },
];

export function quantity(kind: string): TrackedQuantity | undefined {
  return TRACKED_QUANTITIES.find((q) => q.kind === kind);
}

/**
 * The reference as a sample: the card's quantiles at (i + 0.5) / n with n the number of cases behind them (at least
 * 20, so a card from a handful of cases still gives a usable comparison curve).
 */
export function referenceValues(q: TrackedQuantity, ref: DriftReference): number[] | null {
  const r = q.reference(ref);
  return r ? referenceSample(r.summary, Math.max(20, r.n)) : null;
}
