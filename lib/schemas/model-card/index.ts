/**
 * The model card: the contract between a model and the app. The inference pipeline reads its preprocessing,
 * inference and output description, the drift checks its reference statistics, the registry its lineage and metrics.
 *
 * Two schema versions are accepted: card 2 (`tumorwatch.model-card/2`, v2.ts), which describes any segmentation
 * model of the four sequences, and card 1 (v1.ts), the trainer's cards before card 2, validated as they always were
 * and upgraded to card 2 on read (upgrade.ts). Every reader gets a card 2 (`ModelCard`).
 * CARD_SCHEMA_ID is the version the app reads into and the trainer writes (2); CARD_SCHEMA_IDS all it accepts.
 */
import { z } from 'zod';
import { upgradeCard } from './upgrade';
import { CARD_SCHEMA_V1, modelCardV1Schema } from './v1';
import { CARD_REFERENCE_PARTS, CARD_SCHEMA_V2, modelCardV2Schema, type CardReferencePart, type ModelCardV2 } from './v2';

export { CARD_CHANNELS, CARD_CLASSES, quantilesSchema, qualitySetSchema, type Quantiles, type QualitySet } from './shared';
export { CARD_SCHEMA_V1, modelCardV1Schema, type ModelCardV1 } from './v1';
export {
  CARD_REFERENCE_PARTS,
  CARD_SCHEMA_V2,
  modelCardV2Schema,
  UNCALIBRATED_REFERENCE,
  type CardReferencePart,
  type ModelCardV2,
} from './v2';
export { normalizationSchema, type Normalization } from './v2-parts';
export { upgradeCard } from './upgrade';

export const CARD_SCHEMA_ID = CARD_SCHEMA_V2;
export const CARD_SCHEMA_IDS = [CARD_SCHEMA_V1, CARD_SCHEMA_V2] as const;

/** Any accepted card, by its `schema`; the output is always a card 2 (card 1 upgraded). */
export const modelCardSchema = z.discriminatedUnion('schema', [modelCardV2Schema, modelCardV1Schema.transform(upgradeCard)]);

export type ModelCard = ModelCardV2;

/** Parses a card (already JSON-decoded) of either version into a card 2; throws a ZodError naming every violated field. */
export function parseModelCard(json: unknown): ModelCard {
  return modelCardSchema.parse(json);
}

/** The card's feature tensor, or null when the model has none (the Mahalanobis drift check is then skipped). */
export function cardFeatures(card: ModelCard): { name: string; dim: number } | null {
  return card.output.featureDim > 0 ? { name: card.output.featuresName, dim: card.output.featureDim } : null;
}

/**
 * The reference parts the card lacks, i.e. that `npm run model:calibrate` has yet to compute. Features count only
 * when the model has a feature tensor (a model without one never has feature statistics).
 */
export function uncalibratedParts(card: ModelCard): CardReferencePart[] {
  return CARD_REFERENCE_PARTS.filter((p) => card.reference[p] === null && (p !== 'features' || card.output.featureDim > 0));
}

/** Every ONNX file of the model (one, or an ensemble's members). */
export const cardOnnxFiles = (card: ModelCard) => card.onnx.files;
