/**
 * The parts of a model card that v1 and v2 share: identity, lineage, metrics and the drift reference statistics.
 */
import { z } from 'zod';

export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
export const SHA256 = /^[0-9a-f]{64}$/;
export const CARD_CHANNELS = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
export const CARD_CLASSES = ['background', 'NCR', 'ED', 'ET'] as const;

export const vec3 = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
export const int3 = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]);
const level = z.number().min(0).max(1);

/** Quantiles of a distribution: values[i] is the levels[i] quantile (null when there were no samples). */
export const quantilesSchema = z
  .object({ levels: z.array(level).min(1), values: z.array(z.number().nullable()) })
  .refine((q) => q.levels.length === q.values.length, 'levels and values differ in length');
export type Quantiles = z.infer<typeof quantilesSchema>;

/** Mean per-case figures of one region on one evaluation set (lib/metrics: Dice, BraTS 2023 lesion-wise Dice, lesion F1). */
const qualityRegion = z.object({ dice: z.number().min(0).max(1), lw_dice: z.number().min(0).max(1), lesion_f1: z.number().min(0).max(1) });
/** One evaluation set of `npm run model:quality` (held-out domain A, a shifted domain, the real cases). */
export const qualitySetSchema = z.object({
  n: z.number().int().positive(),
  description: z.string(),
  WT: qualityRegion,
  TC: qualityRegion,
  ET: qualityRegion,
});
export type QualitySet = z.infer<typeof qualitySetSchema>;

const diceSummary = z.object({
  n: z.number().int().nonnegative(),
  mean: z.number().min(0).max(1),
  median: z.number().min(0).max(1),
  min: z.number().min(0).max(1),
  max: z.number().min(0).max(1),
  std: z.number().nonnegative(),
});

const counted = <T extends z.ZodType>(value: T) => z.array(z.object({ value, count: z.number().int().positive() }));
const matrix = z.array(z.array(z.number()));

export const channelIntensity = z.object({
  pooledQuantiles: z.array(z.number()),
  caseMedian: quantilesSchema,
  caseP01: quantilesSchema,
  caseP99: quantilesSchema,
});

export const imageMetadata = z.object({
  n: z.number().int().nonnegative(),
  spacingMm: counted(vec3),
  dims: counted(int3),
  orientations: counted(z.string().length(3)),
  dtypes: counted(z.string()),
});

export const featureReference = z.object({
  source: z.string(),
  dim: z.number().int().positive(),
  n: z.number().int().positive(),
  mean: z.array(z.number()),
  covariance: matrix,
  precision: matrix,
  shrinkage: z.number().min(0).max(1),
  estimator: z.string(),
  mahalanobis: z.object({ train: quantilesSchema, val: quantilesSchema.nullable() }),
});

export const volumeReference = z.object({
  unit: z.literal('mL'),
  labels: z.record(z.enum(['NCR', 'ED', 'ET', 'TC', 'WT']), quantilesSchema),
  predictedVal: z.record(z.enum(['NCR', 'ED', 'ET', 'TC', 'WT']), quantilesSchema).nullable(),
  components: z.record(z.enum(['WT', 'TC', 'ET']), quantilesSchema),
  levels: z.array(level),
});

/**
 * Model-agnostic output references (card 2; `npm run model:calibrate` writes them): the flips the test-time
 * augmentation ran (axes of the network input), the distribution of the flipped masks' disagreement with the
 * prediction (1 - Dice, mean over WT/TC/ET) and, for sigmoid models, of the share of an inner region outside its
 * outer region in the raw outputs.
 */
export const agnosticReference = z.object({
  flips: z.array(z.array(z.union([z.literal(0), z.literal(1), z.literal(2)])).min(1)).min(1),
  ttaDisagreement: quantilesSchema,
  nesting: quantilesSchema.nullable(),
});

export const intensityLevels = z.array(level).min(2);

export const training = z.looseObject({
  datasetSnapshot: z.object({ id: z.string().nullable(), sha256: z.string().nullable() }),
  manifestSha256: z.string().regex(SHA256),
  labelMap: z.string(),
  parent: z.object({ name: z.string().nullable(), version: z.string().nullable(), checkpointSha256: z.string().regex(SHA256) }).nullable(),
  cases: z.object({ train: z.number().int().positive(), val: z.number().int().nonnegative() }),
  config: z.looseObject({ name: z.string(), seed: z.number().int() }),
  learningRate: z.number().positive(),
  /** fine-tuned models: the weights are (1 - alpha) parent + alpha fine-tuned (WiSE-FT); absent on older cards */
  weightInterpolation: z
    .object({ alpha: z.number().min(0).max(1), rule: z.string() })
    .nullable()
    .optional(),
  bestEpoch: z.number().int().positive(),
  steps: z.number().int().positive(),
  durationS: z.number().nonnegative(),
  codeVersion: z.object({ package: z.string(), gitCommit: z.string().nullable(), sourceSha256: z.string().regex(SHA256) }),
});

export const metrics = z.object({
  validation: z.union([
    z.object({ n: z.literal(0) }),
    z.object({
      n: z.number().int().positive(),
      grid: z.literal('native'),
      dice: z.object({ WT: diceSummary, TC: diceSummary, ET: diceSummary }),
    }),
  ]),
  validationTargetGrid: z.record(z.string(), z.number()).nullable(),
  /** measured after training by `npm run model:quality --write-card`, keyed by set (domainA, shift:<preset>, real) */
  quality: z.record(z.string(), qualitySetSchema).optional(),
});

export const architecture = z.object({
  family: z.string(),
  kwargs: z.record(z.string(), z.unknown()),
  parameters: z.number().int().positive(),
  opset: z.number().int().min(17),
});

export const onnxParity = z.looseObject({ maxAbsDiff: z.number().nonnegative().max(1e-3) });
