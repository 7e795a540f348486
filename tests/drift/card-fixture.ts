/**
 * A valid model card (lib/schemas/model-card.ts) with a small, known drift reference, for the drift tests.
 * Reference: 1 mm LPS int16 240x240x155 images; channel intensities whose per-case median varies 300-500 (pooled
 * quantile function linear from 0 to 800); 4-D features with identity precision; volumes in mL.
 */
import { INTENSITY_LEVELS } from '@/lib/server/drift/intensity';

export const LEVELS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
/** Quantiles of a uniform distribution on [lo, hi] at LEVELS. */
export const uniformQ = (lo: number, hi: number) => ({ levels: LEVELS, values: LEVELS.map((l) => lo + l * (hi - lo)) });
const SHA = 'a'.repeat(64);
const dice = { n: 10, mean: 0.8, median: 0.8, min: 0.6, max: 0.9, std: 0.05 };

function channelRef() {
  return {
    pooledQuantiles: INTENSITY_LEVELS.map((l) => 800 * l),
    caseMedian: uniformQ(300, 500),
    caseP01: uniformQ(5, 20),
    caseP99: uniformQ(700, 900),
  };
}

export function fixtureCard(extraReference: Record<string, unknown> = {}) {
  const dim = 4;
  const eye = Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0)));
  return {
    schema: 'tumorwatch.model-card/1',
    name: 'tumorwatch-seg',
    version: '1.0.0',
    createdAt: '2026-11-26T00:00:00Z',
    task: 'brain-glioma-segmentation',
    architecture: { family: 'monai.networks.nets.SegResNet', kwargs: {}, parameters: 1000, opset: 18 },
    preprocessing: {
      channels: ['T1N', 'T1C', 'T2W', 'T2F'],
      orientation: 'RAS',
      targetSpacingMm: [2, 2, 2],
      crop: { kind: 'nonzero-bbox', marginVoxels: 2, grid: 'native' },
      normalization: { kind: 'zscore', mask: 'nonzero-per-channel', std: 'population', epsilon: 1e-8, outside: 0 },
      resampling: { method: 'trilinear', alignCorners: false, shapeRule: 'rule' },
      steps: ['step'],
    },
    inference: {
      patchSize: [64, 64, 64],
      overlap: 0.5,
      blending: 'gaussian',
      sigmaScale: 0.125,
      importanceMinimum: 0.001,
      padding: 'constant-zero-symmetric',
      windowBatch: 1,
      featureAggregation: 'mean-over-windows',
      steps: ['step'],
    },
    output: {
      kind: 'softmax',
      labelMap: 'brats2023',
      logitsName: 'logits',
      featuresName: 'features',
      inputName: 'image',
      featureDim: dim,
      layout: 'NCXYZ (RAS)',
      classes: ['background', 'NCR', 'ED', 'ET'].map((name, index) => ({ index, name })),
      regions: { WT: [1, 2, 3], TC: [1, 3], ET: [3] },
    },
    postprocessing: { activation: 'softmax', resampleBack: 'probabilities-trilinear', argmax: 'first-maximum', steps: ['step'] },
    onnx: { file: 'model.onnx', sha256: SHA, opset: 18, parity: { maxAbsDiff: 1e-5 } },
    training: {
      datasetSnapshot: { id: null, sha256: null },
      manifestSha256: SHA,
      labelMap: 'brats2023',
      parent: null,
      cases: { train: 80, val: 20 },
      config: { name: 'fixture', seed: 1 },
      learningRate: 0.001,
      bestEpoch: 1,
      steps: 10,
      durationS: 1,
      codeVersion: { package: '0.1.0', gitCommit: null, sourceSha256: SHA },
    },
    metrics: { validation: { n: 10, grid: 'native', dice: { WT: dice, TC: dice, ET: dice } }, validationTargetGrid: null },
    reference: {
      intensity: {
        space: 'raw',
        levels: INTENSITY_LEVELS,
        channels: { T1N: channelRef(), T1C: channelRef(), T2W: channelRef(), T2F: channelRef() },
      },
      imageMetadata: {
        n: 100,
        spacingMm: [{ value: [1, 1, 1], count: 100 }],
        dims: [{ value: [240, 240, 155], count: 100 }],
        orientations: [{ value: 'LPS', count: 100 }],
        dtypes: [{ value: 'int16', count: 100 }],
      },
      features: {
        source: 'fixture',
        dim,
        n: 80,
        mean: [0, 0, 0, 0],
        covariance: eye,
        precision: eye,
        shrinkage: 0,
        estimator: 'ledoit-wolf',
        mahalanobis: { train: uniformQ(0.5, 3), val: uniformQ(1, 4) },
      },
      volumes: {
        unit: 'mL',
        labels: { NCR: uniformQ(2, 30), ED: uniformQ(10, 100), ET: uniformQ(2, 20), TC: uniformQ(4, 50), WT: uniformQ(20, 150) },
        predictedVal: null,
        components: { WT: uniformQ(1, 1), TC: uniformQ(1, 1), ET: uniformQ(1, 1) },
        levels: LEVELS,
      },
      ...extraReference,
    },
  };
}
