import 'server-only';
/**
 * The drift reference read off a model card. The card schema (lib/schemas/model-card.ts) fixes what every card has;
 * a few statistics the checks can use are optional extras that newer trainers may write (read from the raw JSON,
 * because the schema strips unknown keys): see OPTIONAL_CARD_FIELDS.
 */
import { z } from 'zod';
import { hasValues, type QuantileSummary } from '@/lib/stats';
import { parseModelCard, uncalibratedParts, type ModelCard } from '@/lib/schemas/model-card';
import { MODALITIES, VOLUME_REGIONS, type DriftReference } from './types';
import { acquisitionExpectationSchema } from './acquisition';

const quantiles = z.object({ levels: z.array(z.number()), values: z.array(z.number().nullable()) });

/** Optional card fields (JSON paths) the checks use when present; without them those checks report info only. */
export const OPTIONAL_CARD_FIELDS = {
  brainVolumeMl: 'reference.imageMetadata.brainVolumeMl',
  acquisition: 'reference.imageMetadata.acquisition',
  shapeDistance: 'reference.intensity.channels.<ch>.shapeDistance',
  etTcRatio: 'reference.volumes.ratios.ET_TC',
  predictedComponents: 'reference.volumes.predictedComponents.<WT|TC|ET>',
  lesions: 'reference.volumes.lesions { minMl, counts }',
  uncertainty: 'reference.uncertainty',
} as const;

const extrasSchema = z.object({
  reference: z.object({
    imageMetadata: z
      .object({
        brainVolumeMl: quantiles.optional().catch(undefined),
        acquisition: acquisitionExpectationSchema.optional().catch(undefined),
      })
      .optional()
      .catch(undefined),
    intensity: z
      .object({
        channels: z
          .record(z.string(), z.object({ shapeDistance: quantiles.optional().catch(undefined) }).catch({}))
          .optional()
          .catch(undefined),
      })
      .optional()
      .catch(undefined),
    volumes: z
      .object({
        ratios: z
          .object({ ET_TC: quantiles.optional().catch(undefined) })
          .optional()
          .catch(undefined),
        predictedComponents: z.record(z.string(), quantiles).optional().catch(undefined),
        lesions: z.object({ minMl: z.number().positive(), counts: quantiles }).optional().catch(undefined),
      })
      .optional()
      .catch(undefined),
    uncertainty: quantiles.optional().catch(undefined),
  }),
});

const usable = (q: QuantileSummary | null | undefined): QuantileSummary | null => (hasValues(q) ? q : null);

function intensityReference(card: ModelCard, extras: z.infer<typeof extrasSchema>): DriftReference['intensity'] {
  const src = card.reference.intensity;
  if (!src) return null; // not calibrated
  const channels: NonNullable<DriftReference['intensity']>['channels'] = {};
  for (const ch of MODALITIES) {
    const c = src.channels[ch];
    if (!c) continue;
    channels[ch] = {
      pooled: c.pooledQuantiles,
      median: c.caseMedian,
      p01: c.caseP01,
      p99: c.caseP99,
      shapeDistance: usable(extras.reference.intensity?.channels?.[ch]?.shapeDistance),
    };
  }
  return { levels: src.levels, channels };
}

/** null (the Mahalanobis check is skipped) when the model has no feature tensor or its card no usable distances. */
function featureReference(card: ModelCard): DriftReference['features'] {
  const f = card.reference.features;
  if (!f) return null;
  const val = usable(f.mahalanobis.val);
  const distances = val ?? usable(f.mahalanobis.train);
  if (!distances) return null;
  return { mean: f.mean, precision: f.precision, distances, distanceSource: val ? 'validation' : 'training' };
}

function agnosticReference(card: ModelCard): DriftReference['agnostic'] {
  const a = card.reference.agnostic;
  const disagreement = usable(a?.ttaDisagreement);
  if (!a || !disagreement) return null;
  return { flips: a.flips, disagreement, nesting: usable(a.nesting), population: 'reference cases' };
}

/**
 * A card whose reference is replaced by a calibration's (model:calibrate), validated as a card 2 so the
 * calibration must agree with the model's channels and feature size; the registered card itself is not changed.
 */
export function calibratedCard(cardJson: unknown, calibrationReference: unknown): ModelCard {
  const card = parseModelCard(cardJson);
  return parseModelCard({ ...card, reference: calibrationReference });
}

/** The drift reference of a model: its card's, or the given calibration's (the newest ModelCalibration row) when there is one. */
export function driftReferenceFromCard(cardJson: unknown, calibrationReference?: unknown): DriftReference {
  const calibrated = calibrationReference != null;
  const card = calibrated ? calibratedCard(cardJson, calibrationReference) : parseModelCard(cardJson);
  const extras = extrasSchema.safeParse(calibrated ? { reference: calibrationReference } : cardJson);
  const ex = extras.success ? extras.data : { reference: {} };
  const meta = card.reference.imageMetadata ?? { spacingMm: [], dims: [], orientations: [], dtypes: [] };
  const cardVolumes = card.reference.volumes;
  const volumes: DriftReference['volumes'] = {};
  for (const r of VOLUME_REGIONS) {
    const q = usable(cardVolumes?.labels[r]);
    if (q) volumes[r] = q;
  }
  // the model's own validation predictions when the card has them: a prediction's speckle is not in ground truth
  const predicted = ex.reference.volumes?.predictedComponents;
  const componentSource = predicted && (['WT', 'TC', 'ET'] as const).some((r) => usable(predicted[r])) ? 'predictions' : 'labels';
  const components: DriftReference['components'] = {};
  for (const r of ['WT', 'TC', 'ET'] as const) {
    const q = usable(componentSource === 'predictions' ? predicted?.[r] : cardVolumes?.components[r]);
    if (q) components[r] = q;
  }
  return {
    model: { name: card.name, version: card.version },
    uncalibrated: uncalibratedParts(card),
    referencePopulation: calibrated ? 'reference cases' : null,
    // a calibration's statistics all come from its reference cases (imageMetadata.n of them)
    cases: calibrated
      ? { train: card.reference.imageMetadata?.n ?? 0, val: card.reference.imageMetadata?.n ?? 0 }
      : { train: card.training.cases.train, val: card.training.cases.val },
    intensity: intensityReference(card, ex),
    metadata: {
      spacings: meta.spacingMm.map((s) => s.value),
      dims: meta.dims.map((d) => d.value),
      orientations: meta.orientations.map((o) => o.value),
      dtypes: meta.dtypes.map((d) => d.value),
      brainVolumeMl: usable(ex.reference.imageMetadata?.brainVolumeMl),
      acquisition: ex.reference.imageMetadata?.acquisition ?? null,
    },
    features: featureReference(card),
    volumes,
    components,
    componentSource,
    lesions: ex.reference.volumes?.lesions && usable(ex.reference.volumes.lesions.counts) ? ex.reference.volumes.lesions : null,
    etTcRatio: usable(ex.reference.volumes?.ratios?.ET_TC),
    uncertainty: usable(ex.reference.uncertainty),
    outputKind: card.output.kind,
    skullStripping: card.preprocessing.skullStripping ?? 'not-needed',
    agnostic: agnosticReference(card),
  };
}

/** Cache by model version and calibration: parsing a card (with its precision matrix) once per process is enough. */
const cache = new Map<string, DriftReference>();

export function cachedDriftReference(
  modelVersionId: string,
  cardJson: unknown,
  calibration?: { id: string; reference: unknown } | null,
): DriftReference {
  const key = `${modelVersionId}/${calibration?.id ?? 'card'}`;
  let ref = cache.get(key);
  if (!ref) {
    ref = driftReferenceFromCard(cardJson, calibration?.reference);
    cache.set(key, ref);
  }
  return ref;
}
