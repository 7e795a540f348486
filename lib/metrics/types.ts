import type { LabelMap, RegionName } from '@/lib/labels';

/** Grid size [nx, ny, nz]; volumes are stored x fastest: index x + y*nx + z*nx*ny. */
export type Dims = readonly [number, number, number];
/** Voxel size in millimetres along x, y, z. */
export type Spacing = readonly [number, number, number];
/** Inclusive voxel bounding box. */
export interface Box {
  min: [number, number, number];
  max: [number, number, number];
}

/** Lesion-wise settings of one BraTS 2023 challenge (see challenges.ts). */
export interface ChallengeSettings {
  name: string;
  /** iterations of the 18-connected binary dilation that merges nearby reference components into one lesion */
  dilation: number;
  /** reference lesions whose volume is at or below this many mm^3 are dropped from the lesion-wise scores */
  volumeThresholdMm3: number;
}

/** A reference lesion after merging by dilation, with its score. */
export interface LesionDetail {
  /** 1-based, in raster order (x fastest) of the lesion's first voxel */
  id: number;
  status: 'TP' | 'FN';
  /** false when the lesion is at or below the volume threshold: then it is in no score and no count */
  counted: boolean;
  /** reference connected components that dilation merged into this lesion */
  refComponents: number;
  refVoxels: number;
  refVolumeMl: number;
  /** ids of the predicted components that touch the lesion's dilated footprint (see predComponents) */
  matchedPred: number[];
  /** voxels of the union of the matched predicted components */
  predVoxels: number;
  predVolumeMl: number;
  dice: number;
  /** mm; 374 when no predicted component matches */
  hd95: number;
  centroid: [number, number, number];
  box: Box;
}

/** A 26-connected component of the prediction. */
export interface PredComponentDetail {
  /** 1-based, raster order of first voxel */
  id: number;
  voxels: number;
  volumeMl: number;
  /** ids of the lesions whose dilated footprint it touches; empty for a false positive */
  matchedLesions: number[];
  centroid: [number, number, number];
  box: Box;
}

/** The BraTS 2023 lesion-wise figures of one region (lib/metrics/lesionwise.ts). */
export interface LesionWiseFigures {
  /** BraTS 2023 lesion-wise Dice and HD95 */
  lesionWiseDice: number;
  lesionWiseHd95: number;
  /** lesion detection counts: counted lesions matched / unmatched, unmatched predicted components */
  tp: number;
  fp: number;
  fn: number;
  /** 2TP / (2TP + FP + FN); 1 when all three are zero */
  lesionF1: number;
  lesions: LesionDetail[];
  predComponents: PredComponentDetail[];
}

export interface RegionMetrics extends LesionWiseFigures {
  /** plain (whole-region) Dice; 1 when both masks are empty */
  dice: number;
  /** plain HD95 in mm; 0 when both are empty, 374 when exactly one is */
  hd95: number;
  sensitivity: number;
  specificity: number;
  refVolumeMl: number;
  predVolumeMl: number;
  /** voxel confusion counts of the region masks */
  voxels: { tp: number; fp: number; fn: number; tn: number };
}

export type CaseMetrics = Record<RegionName, RegionMetrics>;

export interface EvaluateCaseInput {
  pred: Uint8Array;
  ref: Uint8Array;
  dims: Dims;
  spacing: Spacing;
  /** label convention of both masks; defaults to the product convention (brats2023) */
  labelMap?: LabelMap;
  /** challenge name (GLI, SSA, MEN, PED, MET) or explicit settings; defaults to GLI */
  challenge?: string | ChallengeSettings;
}

/** Thrown for inputs the caller can fix (mismatched sizes, a label outside the label map). */
export class MetricsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsInputError';
  }
}
