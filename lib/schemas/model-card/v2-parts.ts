/**
 * Card 2's description of how to run a model: which sequences in which order, how each is normalised, the grid, the
 * sliding window, test-time mirroring, the ensemble, and how the outputs become the product's NCR/ED/ET labels.
 * Every field of card 1 keeps its path (card 1 is the special case), so readers of card 1 fields still work.
 */
import { z } from 'zod';
import { LABEL_MAPS } from '@/lib/labels';
import { CARD_CHANNELS, int3, SHA256, training, vec3 } from './shared';

const epsilon = z.number().positive();
const axis = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const percentile = z.number().min(0).max(100);

/** One channel's intensity normalisation (computed over the crop; the crop holds every non-zero voxel). */
export const normalizationSchema = z.discriminatedUnion('kind', [
  // (x - mean) / max(std, epsilon) over the voxels of the mask, population std, in float64.
  // nonzero-per-channel: the channel's non-zero voxels, exactly 0 where x == 0 (card 1's only rule; MONAI
  // NormalizeIntensityd(nonzero=True, channel_wise=True), nnU-Net ZScore with use_mask_for_norm).
  // crop: every voxel of the crop, zeros included (nnU-Net ZScore without the mask).
  // nonzero-union-filled: nnU-Net ZScore with use_mask_for_norm: the voxels where any input channel is non-zero,
  // 3-D holes filled (scipy binary_fill_holes, 6-connected background); zeros inside it are normalised too, the
  // voxels outside it stay exactly 0.
  z.object({
    kind: z.literal('zscore'),
    mask: z.enum(['nonzero-per-channel', 'crop', 'nonzero-union-filled']),
    std: z.literal('population'),
    epsilon,
    outside: z.literal(0).optional(),
  }),
  // clip to the [lower, upper] percentiles (linear interpolation, as numpy) of the chosen voxels, then rescale
  // linearly onto targetRange (MONAI ScaleIntensityRangePercentiles(clip=True)). over 'nonzero': percentiles of the
  // non-zero voxels, and zero voxels stay exactly 0; over 'crop': of every voxel, zeros rescaled like the rest
  z.object({
    kind: z.literal('percentile-rescale'),
    lowerPercentile: percentile,
    upperPercentile: percentile,
    targetRange: z.tuple([z.number(), z.number()]),
    over: z.enum(['nonzero', 'crop']),
  }),
  z.object({ kind: z.literal('none') }),
]);
export type Normalization = z.infer<typeof normalizationSchema>;

export const preprocessingV2 = z.object({
  /** the network's input channels, in order: any non-empty subset of the four sequences */
  channels: z
    .array(z.enum(CARD_CHANNELS))
    .min(1)
    .max(4)
    .refine((c) => new Set(c).size === c.length, 'channels repeat a sequence'),
  /** RAS: permutes/flips to RAS (training/.../orientation.py); native: the file's voxel order as stored */
  orientation: z.enum(['RAS', 'native']),
  /**
   * Network axis k is axis axes[k] of the grid `orientation` gives (absent: [0, 1, 2]). nnU-Net reads files with
   * SimpleITK (z, y, x) and applies transpose_forward: its models need [2, 1, 0] or another permutation here.
   * patchSize, mirrorAxes and targetSpacingMm are in network axis order.
   */
  axes: z
    .tuple([axis, axis, axis])
    .refine((a) => new Set(a).size === 3, 'axes must be a permutation of 0, 1, 2')
    .optional(),
  /** null: the native grid, no resampling */
  targetSpacingMm: vec3.nullable(),
  crop: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('nonzero-bbox'), marginVoxels: z.number().int().nonnegative(), grid: z.literal('native') }),
    z.object({ kind: z.literal('none') }),
  ]),
  /** one per channel, in the order of `channels` */
  normalization: z.array(normalizationSchema).min(1),
  resampling: z.object({ method: z.literal('trilinear'), alignCorners: z.literal(false), shapeRule: z.string() }),
  steps: z.array(z.string().min(1)),
  /**
   * required: the model was trained on skull-stripped sequences and needs the ingestion's skull-stripping step
   * (SKULL_STRIP_COMMAND); absent or not-needed: it reads whole heads as received (every card 1)
   */
  skullStripping: z.enum(['required', 'not-needed']).optional(),
});

export const inferenceV2 = z.object({
  patchSize: int3,
  overlap: z.number().min(0).lt(1),
  /**
   * gaussian: MONAI's importance map (sigmaScale, importanceMinimum); constant: every voxel of a window weighs 1;
   * gaussian-nnunet: nnU-Net's compute_gaussian (a unit impulse at P // 2 through scipy's gaussian_filter with sigma
   * sigmaScale * P, truncate 4, scaled to a maximum of 10, rounded to float16, zeros raised to the smallest non-zero)
   */
  blending: z.enum(['gaussian', 'constant', 'gaussian-nnunet']),
  sigmaScale: z.number().positive(),
  importanceMinimum: z.number().positive(),
  /**
   * Window starts per axis. monai (absent): steps of floor(P * (1 - overlap)), the last moved back to fit.
   * nnunet: compute_steps_for_sliding_window with tile_step_size 1 - overlap: ceil((n - P) / (P * step)) + 1 starts
   * spread evenly over [0, n - P], each rounded half to even.
   */
  windowPlacement: z.enum(['monai', 'nnunet']).optional(),
  padding: z.literal('constant-zero-symmetric'),
  windowBatch: z.number().int().positive(),
  featureAggregation: z.literal('mean-over-windows'),
  /**
   * Test-time augmentation: every window is also run flipped along each non-empty subset of these spatial axes of
   * the network input (0, 1, 2 = X, Y, Z after orientation), each output flipped back; the outputs are averaged.
   */
  mirrorAxes: z
    .array(z.union([z.literal(0), z.literal(1), z.literal(2)]))
    .refine((a) => new Set(a).size === a.length, 'mirrorAxes repeat an axis'),
  /**
   * How mirrored and ensemble outputs combine per window: the mean of the activated probabilities, or the mean of
   * the raw outputs activated afterwards (nnU-Net). Unused with one model and no mirroring.
   */
  average: z.enum(['probabilities', 'logits']),
  steps: z.array(z.string().min(1)),
});

const outputClass = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  /** softmax: the label value in the model's own convention that this class stands for (0 = background) */
  label: z.number().int().nonnegative().optional(),
  /** sigmoid: the probability above which a voxel is in this region */
  threshold: z.number().gt(0).lt(1).optional(),
});

export const outputV2 = z.object({
  /** softmax: one class per voxel, argmax; sigmoid: one nested region per channel (e.g. TC, WT, ET), thresholded */
  kind: z.enum(['softmax', 'sigmoid']),
  /** the model's own label convention (lib/labels.ts LABEL_MAPS), mapped to the product's NCR/ED/ET by its toProduct */
  labelMap: z.string().refine((n) => n in LABEL_MAPS, { message: `labelMap must be one of ${Object.keys(LABEL_MAPS).join(', ')}` }),
  logitsName: z.string().min(1),
  /** the pooled feature tensor for the Mahalanobis drift check; '' when the model has none (featureDim 0) */
  featuresName: z.string(),
  inputName: z.string().min(1),
  featureDim: z.number().int().nonnegative(),
  layout: z.string(),
  /** one per output channel, index = channel */
  classes: z.array(outputClass).min(1),
  /**
   * sigmoid: which label each region paints, in painting order (later regions overwrite earlier ones), e.g. WT -> 2,
   * TC -> 1, ET -> 4 for MONAI's BraTS bundle in the brats2020 convention. Empty for softmax.
   */
  paint: z.array(z.object({ channel: z.number().int().nonnegative(), label: z.number().int().positive() })),
  /** the product regions in product labels (informational: always WT {1,2,3}, TC {1,3}, ET {3}) */
  regions: z.object({ WT: z.array(z.number().int()), TC: z.array(z.number().int()), ET: z.array(z.number().int()) }),
});

export const postprocessingV2 = z.object({
  activation: z.enum(['softmax', 'sigmoid']),
  resampleBack: z.literal('probabilities-trilinear'),
  /** softmax: ties go to the lowest class index */
  argmax: z.literal('first-maximum').optional(),
  /**
   * Whole-tumour (product labels 1-3) 26-connected components of at most this volume (mm^3) become background after
   * the labels are decided. Absent or 0: none are removed.
   */
  dropComponentsAtMostMm3: z.number().nonnegative().optional(),
  steps: z.array(z.string().min(1)),
});

export const onnxFile = z.object({ file: z.string().min(1), sha256: z.string().regex(SHA256) });

/**
 * Card 2's lineage: card 1's, except that a model trained elsewhere and imported (MONAI bundle, nnU-Net) gives 0
 * for the training facts this product does not know (cases, learning rate, best epoch, steps) and says where it came
 * from in `training.imported` (format, source name and version, sha256 of what was imported).
 */
export const trainingV2 = training.extend({
  cases: z.object({ train: z.number().int().nonnegative(), val: z.number().int().nonnegative() }),
  learningRate: z.number().nonnegative(),
  bestEpoch: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
});
