/**
 * The model card written by the Python trainer (training/src/tumorwatch_train/card.py) next to model.onnx.
 * It is the contract between training and the app: the inference pipeline reads its geometry, the drift checks
 * read its reference statistics, the registry reads lineage and metrics. Cross-field checks catch a card whose
 * parts disagree (feature dim vs covariance size, quantile levels vs values) before a model is registered.
 */
import { z } from 'zod';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const SHA256 = /^[0-9a-f]{64}$/;
export const CARD_SCHEMA_ID = 'tumorwatch.model-card/1';
export const CARD_CHANNELS = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
export const CARD_CLASSES = ['background', 'NCR', 'ED', 'ET'] as const;

const vec3 = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const int3 = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]);
const level = z.number().min(0).max(1);

/** Quantiles of a distribution: values[i] is the levels[i] quantile (null when there were no samples). */
export const quantilesSchema = z
  .object({ levels: z.array(level).min(1), values: z.array(z.number().nullable()) })
  .refine((q) => q.levels.length === q.values.length, 'levels and values differ in length');
export type Quantiles = z.infer<typeof quantilesSchema>;

/** Mean per-case figures of one region on one evaluation set (lib/metrics: Dice, BraTS 2023 lesion-wise Dice, lesion F1). */
const qualityRegion = z.object({ dice: z.number().min(0).max(1), lw_dice: z.number().min(0).max(1), lesion_f1: z.number().min(0).max(1) });
/** One evaluation set of `npm run model:quality` (held-out domain A, a shifted domain, the real cases). */
export const qualitySetSchema = z.object({ n: z.number().int().positive(), description: z.string(), WT: qualityRegion, TC: qualityRegion, ET: qualityRegion });
export type QualitySet = z.infer<typeof qualitySetSchema>;

const diceSummary = z.object({
  n: z.number().int().nonnegative(),
  mean: z.number().min(0).max(1),
  median: z.number().min(0).max(1),
  min: z.number().min(0).max(1),
  max: z.number().min(0).max(1),
  std: z.number().nonnegative(),
});

const counted = <T extends z.ZodType>(value: T) =>
  z.array(z.object({ value, count: z.number().int().positive() }));

const preprocessing = z.object({
  channels: z.tuple([z.literal('T1N'), z.literal('T1C'), z.literal('T2W'), z.literal('T2F')]),
  orientation: z.literal('RAS'),
  targetSpacingMm: vec3,
  crop: z.object({ kind: z.literal('nonzero-bbox'), marginVoxels: z.number().int().nonnegative(), grid: z.literal('native') }),
  normalization: z.object({
    kind: z.literal('zscore'),
    mask: z.literal('nonzero-per-channel'),
    std: z.literal('population'),
    epsilon: z.number().positive(),
    outside: z.literal(0),
  }),
  resampling: z.object({ method: z.literal('trilinear'), alignCorners: z.literal(false), shapeRule: z.string() }),
  steps: z.array(z.string().min(1)).min(1),
});

const inference = z.object({
  patchSize: int3,
  overlap: z.number().min(0).lt(1),
  blending: z.literal('gaussian'),
  sigmaScale: z.number().positive(),
  importanceMinimum: z.number().positive(),
  padding: z.literal('constant-zero-symmetric'),
  windowBatch: z.number().int().positive(),
  featureAggregation: z.literal('mean-over-windows'),
  steps: z.array(z.string().min(1)).min(1),
});

const output = z.object({
  kind: z.literal('softmax'),
  labelMap: z.string().min(1),
  logitsName: z.literal('logits'),
  featuresName: z.literal('features'),
  inputName: z.literal('image'),
  featureDim: z.number().int().positive(),
  layout: z.string(),
  classes: z
    .array(z.object({ index: z.number().int().nonnegative(), name: z.string() }))
    .refine((cs) => cs.length === CARD_CLASSES.length && cs.every((c, i) => c.index === i && c.name === CARD_CLASSES[i]), {
      message: `classes must be ${CARD_CLASSES.join(', ')} at indices 0..3`,
    }),
  regions: z.object({ WT: z.array(z.number().int()), TC: z.array(z.number().int()), ET: z.array(z.number().int()) }),
});

const matrix = z.array(z.array(z.number()));

const reference = z.object({
  intensity: z.object({
    space: z.string(),
    levels: z.array(level).min(2),
    channels: z.record(
      z.enum(CARD_CHANNELS),
      z.object({ pooledQuantiles: z.array(z.number()), caseMedian: quantilesSchema, caseP01: quantilesSchema, caseP99: quantilesSchema }),
    ),
  }),
  imageMetadata: z.object({
    n: z.number().int().nonnegative(),
    spacingMm: counted(vec3),
    dims: counted(int3),
    orientations: counted(z.string().length(3)),
    dtypes: counted(z.string()),
  }),
  features: z.object({
    source: z.string(),
    dim: z.number().int().positive(),
    n: z.number().int().positive(),
    mean: z.array(z.number()),
    covariance: matrix,
    precision: matrix,
    shrinkage: z.number().min(0).max(1),
    estimator: z.string(),
    mahalanobis: z.object({ train: quantilesSchema, val: quantilesSchema.nullable() }),
  }),
  volumes: z.object({
    unit: z.literal('mL'),
    labels: z.record(z.enum(['NCR', 'ED', 'ET', 'TC', 'WT']), quantilesSchema),
    predictedVal: z.record(z.enum(['NCR', 'ED', 'ET', 'TC', 'WT']), quantilesSchema).nullable(),
    components: z.record(z.enum(['WT', 'TC', 'ET']), quantilesSchema),
    levels: z.array(level),
  }),
});

const training = z.looseObject({
  datasetSnapshot: z.object({ id: z.string().nullable(), sha256: z.string().nullable() }),
  manifestSha256: z.string().regex(SHA256),
  labelMap: z.string(),
  parent: z.object({ name: z.string().nullable(), version: z.string().nullable(), checkpointSha256: z.string().regex(SHA256) }).nullable(),
  cases: z.object({ train: z.number().int().positive(), val: z.number().int().nonnegative() }),
  config: z.looseObject({ name: z.string(), seed: z.number().int() }),
  learningRate: z.number().positive(),
  /** fine-tuned models: the weights are (1 - alpha) parent + alpha fine-tuned (WiSE-FT); absent on older cards */
  weightInterpolation: z.object({ alpha: z.number().min(0).max(1), rule: z.string() }).nullable().optional(),
  bestEpoch: z.number().int().positive(),
  steps: z.number().int().positive(),
  durationS: z.number().nonnegative(),
  codeVersion: z.object({ package: z.string(), gitCommit: z.string().nullable(), sourceSha256: z.string().regex(SHA256) }),
});

export const modelCardSchema = z
  .object({
    schema: z.literal(CARD_SCHEMA_ID),
    name: z.string().min(1),
    version: z.string().regex(SEMVER, 'version must be semver'),
    createdAt: z.iso.datetime(),
    task: z.string(),
    architecture: z.object({ family: z.string(), kwargs: z.record(z.string(), z.unknown()), parameters: z.number().int().positive(), opset: z.number().int().min(17) }),
    preprocessing,
    inference,
    output,
    postprocessing: z.object({
      activation: z.literal('softmax'),
      resampleBack: z.literal('probabilities-trilinear'),
      argmax: z.literal('first-maximum'),
      /**
       * Whole-tumour (labels 1-3) 26-connected components of at most this volume (mm^3) become background after the
       * argmax. Absent (cards before 1.1) or 0: none are removed.
       */
      dropComponentsAtMostMm3: z.number().nonnegative().optional(),
      steps: z.array(z.string().min(1)).min(1),
    }),
    onnx: z.object({
      file: z.string().min(1),
      sha256: z.string().regex(SHA256),
      opset: z.number().int().min(17),
      parity: z.looseObject({ maxAbsDiff: z.number().nonnegative().max(1e-3) }),
    }),
    training,
    metrics: z.object({
      validation: z.union([
        z.object({ n: z.literal(0) }),
        z.object({ n: z.number().int().positive(), grid: z.literal('native'), dice: z.object({ WT: diceSummary, TC: diceSummary, ET: diceSummary }) }),
      ]),
      validationTargetGrid: z.record(z.string(), z.number()).nullable(),
      /** measured after training by `npm run model:quality --write-card`, keyed by set (domainA, shift:<preset>, real) */
      quality: z.record(z.string(), qualitySetSchema).optional(),
    }),
    reference,
  })
  .superRefine((card, ctx) => {
    const f = card.reference.features;
    const d = card.output.featureDim;
    const square = (m: number[][]) => m.length === d && m.every((row) => row.length === d);
    if (f.dim !== d || f.mean.length !== d || !square(f.covariance) || !square(f.precision)) {
      ctx.addIssue({ code: 'custom', path: ['reference', 'features'], message: `feature statistics must all be ${d}-dimensional` });
    }
    const levels = card.reference.intensity.levels.length;
    for (const [ch, q] of Object.entries(card.reference.intensity.channels)) {
      if (q.pooledQuantiles.length !== levels) {
        ctx.addIssue({ code: 'custom', path: ['reference', 'intensity', 'channels', ch], message: 'pooledQuantiles length differs from levels' });
      }
    }
  });

export type ModelCard = z.infer<typeof modelCardSchema>;

/** Parses a card (already JSON-decoded); throws a ZodError naming every violated field. */
export function parseModelCard(json: unknown): ModelCard {
  return modelCardSchema.parse(json);
}
