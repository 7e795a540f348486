/**
 * Card schema 2 (`tumorwatch.model-card/2`): any segmentation model of the four MR sequences (v2-parts.ts), with the
 * same identity, lineage, metrics and drift reference as card 1. The cross-field checks catch a card whose parts
 * disagree before a model is registered.
 */
import { z } from 'zod';
import { LABEL_MAPS } from '@/lib/labels';
import {
  agnosticReference,
  architecture,
  channelIntensity,
  CARD_CHANNELS,
  featureReference,
  imageMetadata,
  intensityLevels,
  metrics,
  onnxParity,
  SEMVER,
  SHA256,
  volumeReference,
} from './shared';
import { inferenceV2, onnxFile, outputV2, postprocessingV2, preprocessingV2, trainingV2 } from './v2-parts';

export const CARD_SCHEMA_V2 = 'tumorwatch.model-card/2';

/**
 * The drift reference. Every part is null until the model is calibrated (`npm run model:calibrate` on a hospital's
 * reference cases): an imported model registers "uncalibrated" and the drift checks that need a missing part report
 * themselves as skipped. `reference: null` is accepted as shorthand for all four parts null.
 */
export const UNCALIBRATED_REFERENCE = { intensity: null, imageMetadata: null, features: null, volumes: null } as const;
export const CARD_REFERENCE_PARTS = ['intensity', 'imageMetadata', 'features', 'volumes'] as const;
export type CardReferencePart = (typeof CARD_REFERENCE_PARTS)[number];

const referenceParts = z.object({
  intensity: z
    .object({ space: z.string(), levels: intensityLevels, channels: z.partialRecord(z.enum(CARD_CHANNELS), channelIntensity) })
    .nullable(),
  imageMetadata: imageMetadata.nullable(),
  /** null when the model has no feature tensor (output.featureDim 0) or is not calibrated: the Mahalanobis check is skipped */
  features: featureReference.nullable(),
  volumes: volumeReference.nullable(),
  /** flip and nesting references for any model; absent on the trainer's cards (those checks then do not run) */
  agnostic: agnosticReference.nullable().optional(),
});
const reference = z.preprocess((v) => (v === null ? { ...UNCALIBRATED_REFERENCE } : v), referenceParts);

const onnx = z.object({
  /** the first (or only) ensemble member: what the registry stores and hashes */
  file: z.string().min(1),
  sha256: z.string().regex(SHA256),
  opset: z.number().int().min(17),
  parity: onnxParity,
  /** every ensemble member, files[0] being `file`; their outputs are averaged (inference.average) */
  files: z.array(onnxFile).min(1),
});

type Ctx = z.core.$RefinementCtx;
const issue = (ctx: Ctx, path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

export const modelCardV2Schema = z
  .object({
    schema: z.literal(CARD_SCHEMA_V2),
    name: z.string().min(1),
    version: z.string().regex(SEMVER, 'version must be semver'),
    createdAt: z.iso.datetime(),
    task: z.string(),
    architecture,
    preprocessing: preprocessingV2,
    inference: inferenceV2,
    output: outputV2,
    postprocessing: postprocessingV2,
    onnx,
    training: trainingV2,
    metrics,
    reference,
  })
  .superRefine((card, ctx) => {
    checkPreprocessing(card, ctx);
    checkOutput(card, ctx);
    checkFeatures(card, ctx);
    const { onnx: o } = card;
    if (o.files[0].file !== o.file || o.files[0].sha256 !== o.sha256)
      issue(ctx, ['onnx', 'files', 0], 'the first ensemble member must be onnx.file with onnx.sha256');
    if (new Set(o.files.map((f) => f.file)).size !== o.files.length) issue(ctx, ['onnx', 'files'], 'ensemble members repeat a file');
    o.files.forEach(
      (f, i) => /[\\/]/.test(f.file) && issue(ctx, ['onnx', 'files', i, 'file'], 'a member is a file name in the model directory'),
    );
  });

type CardV2 = z.infer<typeof modelCardV2Schema>;

function checkPreprocessing(card: CardV2, ctx: Ctx): void {
  const { channels, normalization } = card.preprocessing;
  if (normalization.length !== channels.length)
    issue(
      ctx,
      ['preprocessing', 'normalization'],
      `${normalization.length} normalisations for ${channels.length} channels: one per channel`,
    );
  normalization.forEach((n, i) => {
    if (n.kind === 'percentile-rescale' && !(n.lowerPercentile < n.upperPercentile))
      issue(ctx, ['preprocessing', 'normalization', i], 'lowerPercentile must be below upperPercentile');
  });
  const { intensity } = card.reference;
  if (!intensity) return; // not calibrated
  for (const ch of channels)
    if (!intensity.channels[ch]) issue(ctx, ['reference', 'intensity', 'channels', ch], `no intensity statistics for input channel ${ch}`);
  for (const [ch, q] of Object.entries(intensity.channels))
    if (q && q.pooledQuantiles.length !== intensity.levels.length)
      issue(ctx, ['reference', 'intensity', 'channels', ch], 'pooledQuantiles length differs from levels');
}

function checkOutput(card: CardV2, ctx: Ctx): void {
  const out = card.output;
  if (card.postprocessing.activation !== out.kind)
    issue(ctx, ['postprocessing', 'activation'], `activation must be ${out.kind}, the output kind`);
  out.classes.forEach(
    (c, i) =>
      c.index !== i &&
      issue(ctx, ['output', 'classes', i, 'index'], `class ${i} has index ${c.index}: classes are listed by output channel`),
  );
  const map = LABEL_MAPS[out.labelMap];
  if (!map) return; // reported by the field itself
  const known = (label: number) => label in map.labels;
  if (out.kind === 'softmax') {
    out.classes.forEach((c, i) => {
      if (c.label === undefined) issue(ctx, ['output', 'classes', i, 'label'], 'softmax classes need the label they stand for');
      else if (c.label !== 0 && !known(c.label))
        issue(ctx, ['output', 'classes', i, 'label'], `label ${c.label} is not in label map ${out.labelMap}`);
    });
    if (out.classes[0].label !== 0) issue(ctx, ['output', 'classes', 0, 'label'], 'class 0 must be background (label 0)');
    const labels = out.classes.map((c) => c.label);
    if (new Set(labels).size !== labels.length) issue(ctx, ['output', 'classes'], 'two classes stand for the same label');
    if (out.paint.length) issue(ctx, ['output', 'paint'], 'paint is for sigmoid regions only');
  } else {
    out.classes.forEach(
      (c, i) => c.threshold === undefined && issue(ctx, ['output', 'classes', i, 'threshold'], 'sigmoid regions need a threshold'),
    );
    if (!out.paint.length) issue(ctx, ['output', 'paint'], 'sigmoid regions need the labels they paint');
    out.paint.forEach((p, i) => {
      if (p.channel >= out.classes.length)
        issue(ctx, ['output', 'paint', i, 'channel'], `channel ${p.channel} is not one of the ${out.classes.length} outputs`);
      if (!known(p.label)) issue(ctx, ['output', 'paint', i, 'label'], `label ${p.label} is not in label map ${out.labelMap}`);
    });
  }
}

function checkFeatures(card: CardV2, ctx: Ctx): void {
  const { featureDim: d, featuresName } = card.output;
  const f = card.reference.features;
  if ((d === 0) !== (featuresName === ''))
    issue(ctx, ['output', 'featuresName'], 'featuresName is empty exactly when featureDim is 0 (no feature tensor)');
  if (d === 0) {
    if (f) issue(ctx, ['reference', 'features'], 'feature statistics for a model without a feature tensor');
    return;
  }
  if (!f) return; // not calibrated: the Mahalanobis check reports itself skipped
  const square = (m: number[][]) => m.length === d && m.every((row) => row.length === d);
  if (f.dim !== d || f.mean.length !== d || !square(f.covariance) || !square(f.precision))
    issue(ctx, ['reference', 'features'], `feature statistics must all be ${d}-dimensional`);
}

export type ModelCardV2 = CardV2;
