import 'server-only';
import type { QuantileSummary } from '@/lib/stats';
import type { CardReferencePart } from '@/lib/schemas/model-card';

export type CheckFamily = 'input' | 'image' | 'output';
/** pass/fail are decided against a threshold; warn marks something unusual the pipeline handles (e.g. another
 * orientation); info is a value reported without a usable reference; skipped is a check the model's card cannot
 * support yet because it is not calibrated (the reason says how to calibrate). Only fail makes a drifter. */
export type CheckVerdict = 'pass' | 'warn' | 'fail' | 'info' | 'skipped';
export const MODALITIES = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
export type Modality = (typeof MODALITIES)[number];
export const VOLUME_REGIONS = ['NCR', 'ED', 'ET', 'TC', 'WT'] as const;
export type VolumeRegion = (typeof VOLUME_REGIONS)[number];
export const COMPONENT_REGIONS = ['WT', 'TC', 'ET'] as const;

/** One check's outcome, stored as-is in DriftReport.checks (JSON) and shown on the case page. */
export interface CheckResult {
  family: CheckFamily;
  /** stable machine key, e.g. "spacing", "intensity.T1C.median", "volume.ET"; population monitoring groups by it */
  kind: string;
  label: string;
  value: number | string | number[] | null;
  unit?: string;
  /** what the value is compared to, in words or numbers (e.g. the training quantiles used) */
  reference: unknown;
  threshold: unknown;
  verdict: CheckVerdict;
  /** 0 at the reference's centre, 1 at the threshold, larger beyond it (only pass/fail checks have one) */
  score: number | null;
  /** a sentence for the clinician when the verdict is warn or fail */
  reason: string | null;
  /** advisory checks only warn: they never make a drifter and do not enter the report score */
  advisory?: boolean;
}

/** Per-case image statistics, computed the way training/src/tumorwatch_train/reference_stats.py computes them. */
export interface CaseImageStats {
  /** modality -> raw intensity quantiles (after scl_slope/inter) over the channel's non-zero voxels at `levels` */
  intensity: Partial<Record<Modality, number[]>>;
  levels: number[];
  /** voxels where any channel is non-zero, in mL (a skull-stripped brain's volume) */
  brainVolumeMl: number | null;
}

/** Geometry and acquisition of the case as stored at ingestion (Volume and Case rows). */
export interface CaseMetadataStats {
  modalities: Modality[];
  /** of the first channel (T1N), like the trainer's image_meta */
  dims: [number, number, number] | null;
  spacingMm: [number, number, number] | null;
  orientation: string | null;
  datatype: string | null;
  site: string | null;
  manufacturer: string | null;
  fieldStrengthT: number | null;
  /** sequences resampled onto the reference grid at ingestion (Volume.registration); absent or empty: one grid */
  registrations?: RegistrationFigures[];
  /** modality -> the skull-stripping tool its volume went through at ingestion, null when stored as received */
  skullStripped?: Partial<Record<Modality, string | null>>;
  /** per sequence, the DICOM acquisition parameters (Volume.acquisition); absent or empty: not received as DICOM */
  acquisition?: Partial<Record<Modality, SequenceAcquisition>>;
}

/** The part of a co-registration record (lib/server/imaging/coregister.ts) the co-registration check reads. */
export interface RegistrationFigures {
  modality: string;
  reference: string;
  used: 'registration' | 'header';
  miBefore: number;
  miAfter: number;
  rotationDeg: number[];
  translationMm: number[];
}

export interface CaseOutputStats {
  volumesMl: Partial<Record<VolumeRegion, number>>;
  componentCounts: Partial<Record<'WT' | 'TC' | 'ET', number>> | null;
  uncertainty: number | null;
  features: number[] | null;
  /** whole-tumour components of at least settings.minLesionMl in the predicted mask (lesions.ts); null = mask not read */
  lesions?: number | null;
  /** flip test-time augmentation (agnostic/flip.ts): mean 1 - Dice of the flipped masks; absent = not run */
  tta?: { disagreement: number; flips: number[][] } | null;
  /** sigmoid models: share of an inner region outside its outer one in the raw outputs; absent = not run */
  nesting?: number | null;
}

export interface CaseStats {
  meta: CaseMetadataStats;
  image: CaseImageStats | null;
  output: CaseOutputStats | null;
}

/** [min, max] of a sequence's acquisition parameters over the reference cases (ms, mm). */
export interface SequenceRanges {
  repetitionTimeMs?: [number, number];
  echoTimeMs?: [number, number];
  inversionTimeMs?: [number, number];
  sliceThicknessMm?: [number, number];
}

/** What a model's reference records about the acquisitions it saw (acquisition.ts); a missing field is "not checked". */
export interface AcquisitionExpectation {
  /** pseudonymised institutions (site keys, `site-<8 hex>`) or the site names users give */
  sites?: string[];
  manufacturers?: string[];
  fieldStrengthsT?: number[];
  scannerModels?: string[];
  softwareVersions?: string[];
  contrastAgents?: string[];
  sequences?: Partial<Record<Modality, SequenceRanges>>;
}

/** One sequence's DICOM acquisition, as the checks compare it (times in ms, thickness in mm). */
export type SequenceAcquisition = { [K in keyof SequenceRanges]?: number } & {
  scannerModels?: string;
  softwareVersions?: string;
  contrastAgents?: string;
};

/** The reference the checks compare against, extracted from a model card (see reference.ts). */
export interface DriftReference {
  model: { name: string; version: string };
  /** card reference parts still null (model:calibrate not run): the checks needing them are reported skipped */
  uncalibrated: CardReferencePart[];
  /** a calibrated reference's population ("reference cases"), named in place of the trainer's; null for the card's own */
  referencePopulation: string | null;
  /** case counts behind the reference: intensities come from train, metadata and volumes from train + val */
  cases: { train: number; val: number };
  intensity: {
    levels: number[];
    channels: Partial<
      Record<
        Modality,
        { pooled: number[]; median: QuantileSummary; p01: QuantileSummary; p99: QuantileSummary; shapeDistance: QuantileSummary | null }
      >
    >;
  } | null;
  metadata: {
    spacings: [number, number, number][];
    dims: [number, number, number][];
    orientations: string[];
    dtypes: string[];
    brainVolumeMl: QuantileSummary | null;
    acquisition: AcquisitionExpectation | null;
  };
  features: {
    mean: number[];
    precision: number[][];
    /** distances of held-out (validation) cases when the card has them, else of training cases */
    distances: QuantileSummary;
    distanceSource: 'validation' | 'training';
  } | null;
  volumes: Partial<Record<VolumeRegion, QuantileSummary>>;
  components: Partial<Record<'WT' | 'TC' | 'ET', QuantileSummary>>;
  /** 'predictions': counts of the model's own validation predictions (like for like); 'labels': ground truth */
  componentSource: 'predictions' | 'labels';
  /** lesion-sized (>= minMl) whole-tumour components of the training labels, when the card records them */
  lesions: { minMl: number; counts: QuantileSummary } | null;
  etTcRatio: QuantileSummary | null;
  uncertainty: QuantileSummary | null;
  /** the card's preprocessing.skullStripping (absent: not needed) */
  skullStripping?: 'required' | 'not-needed';
  /** how the model decides labels: softmax labels nest by construction, sigmoid regions may not */
  outputKind: 'softmax' | 'sigmoid';
  /** model-agnostic references written by model:calibrate (null on trainer cards: the checks then do not run) */
  agnostic: {
    flips: (0 | 1 | 2)[][];
    disagreement: QuantileSummary;
    nesting: QuantileSummary | null;
    /** who the reference describes, for the check's text */
    population: string;
  } | null;
}
