/**
 * Card schema 1 (`tumorwatch.model-card/1`), as the trainer wrote it until card 2: the trainer's own SegResNet only
 * (channels T1N, T1C, T2W, T2F; z-score in the non-zero mask; RAS at a target spacing; softmax over background,
 * NCR, ED, ET; a `features` output). Kept so that stored v1 cards still validate exactly as before; every reader
 * upgrades them to v2 (upgrade.ts).
 */
import { z } from 'zod';
import {
  architecture,
  CARD_CHANNELS,
  CARD_CLASSES,
  channelIntensity,
  featureReference,
  imageMetadata,
  int3,
  intensityLevels,
  metrics,
  onnxParity,
  SEMVER,
  SHA256,
  training,
  vec3,
  volumeReference,
} from './shared';

export const CARD_SCHEMA_V1 = 'tumorwatch.model-card/1';

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

const reference = z.object({
  intensity: z.object({ space: z.string(), levels: intensityLevels, channels: z.record(z.enum(CARD_CHANNELS), channelIntensity) }),
  imageMetadata,
  features: featureReference,
  volumes: volumeReference,
});

export const modelCardV1Schema = z
  .object({
    schema: z.literal(CARD_SCHEMA_V1),
    name: z.string().min(1),
    version: z.string().regex(SEMVER, 'version must be semver'),
    createdAt: z.iso.datetime(),
    task: z.string(),
    architecture,
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
    onnx: z.object({ file: z.string().min(1), sha256: z.string().regex(SHA256), opset: z.number().int().min(17), parity: onnxParity }),
    training,
    metrics,
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
        ctx.addIssue({
          code: 'custom',
          path: ['reference', 'intensity', 'channels', ch],
          message: 'pooledQuantiles length differs from levels',
        });
      }
    }
  });

export type ModelCardV1 = z.infer<typeof modelCardV1Schema>;
