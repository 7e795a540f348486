import 'server-only';
import type { ModelCard } from '@/lib/schemas/model-card';
import type { Vec3 } from './geometry';
import { combinePredictors } from './combine';
import { decoderForCard } from './decode';
import { probabilitiesToNative } from './postprocess';
import { preprocess, trainerAffine, type CaseVolumes } from './preprocess';
import type { LoadedModel } from './session';
import { slidingWindow, type Predictor } from './sliding-window';
import { dropSmallComponents } from './small-components';
import { componentCounts, subregionVolumes, voxelMl, type ComponentCounts, type SubregionVolumes } from './summary';

/**
 * One case through the model, exactly as training/src/tumorwatch_train/predict.py: preprocess -> sliding window
 * (with the card's mirroring and ensemble, combine.ts) -> softmax or sigmoid -> back to the native grid, decided and
 * mapped to product labels (decode.ts); then the per-case numbers the drift checks and the case page read.
 */

export interface SegmentOptions {
  model: LoadedModel;
  volumes: Partial<CaseVolumes>;
  /** windows per session.run (default: windowBatchFor(card)) */
  windowBatch?: number;
}

/**
 * Windows per session.run. The network normalises per sample, so batching changes no result. Small windows gain
 * from it (32^3: ~15% less CPU and ~25% less wall time for the runs with 4 per run), 64^3 windows do not (the same
 * CPU time, four times the activation memory), so runs are filled up to about 4 x 32^3 voxels. Measured on 2 shared
 * cores with bench/inference.ts --batches. The card's windowBatch (what the trainer's reference uses) is a floor.
 */
export const BATCH_VOXELS = 4 * 32 ** 3;
export function windowBatchFor(card: ModelCard, requested?: number): number {
  const [p0, p1, p2] = card.inference.patchSize;
  return Math.max(1, requested ?? Math.max(card.inference.windowBatch, Math.floor(BATCH_VOXELS / (p0 * p1 * p2))));
}

export interface SegmentResult {
  /** uint8 product labels (0 background, 1 NCR, 2 ED, 3 ET) on the input grid, file voxel order (x fastest) */
  mask: Uint8Array;
  dims: Vec3;
  volumesMl: SubregionVolumes;
  componentCounts: ComponentCounts;
  /** mean normalised entropy (softmax H / ln K; sigmoid: mean binary entropy in bits) over the predicted tumour; null when nothing is predicted */
  uncertainty: number | null;
  /** voxels the argmax called tumour (any label), before small components were dropped: `uncertainty`'s denominator */
  tumourVoxels: number;
  /** the model's pooled feature vector, averaged over windows (drift input); empty when the model has none */
  features: number[];
  geometry: { orientation: string; rasShape: Vec3; cropLo: Vec3; cropHi: Vec3; resampledShape: Vec3; windows: number };
  model: { name: string; version: string; sha256: string };
  /** sessionRun: the part of `inference` spent inside onnxruntime */
  timingsMs: { preprocess: number; inference: number; sessionRun: number; postprocess: number; total: number };
}

export async function segment({ model, volumes, windowBatch }: SegmentOptions): Promise<SegmentResult> {
  const t0 = performance.now();
  const { card } = model;
  const K = card.output.classes.length;
  const inf = card.inference;
  const activation = card.output.kind;
  const { predict, activated } = combinePredictors(await model.predictors(), {
    mirrorAxes: inf.mirrorAxes,
    average: inf.average,
    activation,
    patch: inf.patchSize as Vec3,
    channels: card.preprocessing.channels.length,
    classes: K,
  });
  const t1 = performance.now();
  const { x, geometry: g } = preprocess(volumes, card);
  const t2 = performance.now();

  // sessionRun: the time at least one network run was in flight (the sliding window keeps two queued)
  let sessionRun = 0;
  let inFlight = 0;
  let busySince = 0;
  const timed: Predictor = async (w, n) => {
    if (inFlight++ === 0) busySince = performance.now();
    try {
      return await predict(w, n);
    } finally {
      if (--inFlight === 0) sessionRun += performance.now() - busySince;
    }
  };
  const sw = await slidingWindow(
    x,
    card.preprocessing.channels.length,
    g.resampledShape,
    {
      patch: inf.patchSize as Vec3,
      overlap: inf.overlap,
      sigmaScale: inf.sigmaScale,
      importanceMinimum: inf.importanceMinimum,
      classes: K,
      batch: windowBatchFor(card, windowBatch),
      blending: inf.blending,
      placement: inf.windowPlacement,
      // activated slab by slab while the network runs, unless the ensemble or mirroring already did
      activation: activated ? undefined : activation,
    },
    timed,
  );
  const t3 = performance.now();

  const native = probabilitiesToNative(sw.logits, K, g, decoderForCard(card));
  const tumourVoxels = native.labelCounts.slice(1).reduce((a, b) => a + b, 0);
  const ref = volumes[card.preprocessing.channels[0]]!;
  const mlPerVoxel = voxelMl(trainerAffine(ref));
  // both scans read only the box that was resampled (outside it the mask is empty): ~1/8 of the crop for a brain
  const { box } = native;
  const dropped = box
    ? dropSmallComponents(native.mask, g.fileDims, mlPerVoxel * 1000, card.postprocessing.dropComponentsAtMostMm3 ?? 0, box)
    : [0, 0, 0, 0];
  const labelCounts = native.labelCounts.map((n, k) => (k === 0 ? n + dropped[1] + dropped[2] + dropped[3] : n - dropped[k]));
  const volumesMl = subregionVolumes(labelCounts, mlPerVoxel);
  const components = box ? componentCounts(native.mask, g.fileDims, box) : { WT: 0, TC: 0, ET: 0 };
  const t4 = performance.now();

  return {
    mask: native.mask,
    dims: g.fileDims,
    volumesMl,
    componentCounts: components,
    uncertainty: tumourVoxels > 0 ? native.foregroundEntropySum / tumourVoxels : null,
    tumourVoxels,
    features: Array.from(sw.features),
    geometry: {
      orientation: g.orientation.codes,
      rasShape: g.rasShape,
      cropLo: g.cropLo,
      cropHi: g.cropHi,
      resampledShape: g.resampledShape,
      windows: sw.windows,
    },
    model: { name: card.name, version: card.version, sha256: model.sha256 },
    // session creation (first call only) counts in total but in no stage
    timingsMs: { preprocess: t2 - t1, inference: t3 - t2, sessionRun, postprocess: t4 - t3, total: t4 - t0 },
  };
}
