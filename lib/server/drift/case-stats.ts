import 'server-only';
/** Per-case statistics for the checks, from stored rows (metadata) and decoded volumes (intensities). */
import { columnNorms, type Mat4 } from '../imaging/affine';
import { strippedBy } from '../imaging/skull-strip';
import type { VoxelArray } from '../imaging/nifti';
import { INTENSITY_LEVELS, nonZeroQuantiles, nonZeroVolumeMl } from './intensity';
import { caseAcquisition } from './acquisition';
import {
  MODALITIES,
  type CaseImageStats,
  type CaseMetadataStats,
  type CaseOutputStats,
  type Modality,
  type RegistrationFigures,
} from './types';

/** The part of a decoded volume the statistics need (a NiftiVolume satisfies it). */
export interface DecodedVolume {
  data: VoxelArray;
  affine: Mat4;
}

/** Like the trainer's image_meta: spacing = affine column norms rounded to 4 decimals. */
export const spacingFromAffine = (affine: Mat4) => columnNorms(affine).map((v) => Math.round(v * 1e4) / 1e4) as [number, number, number];

export function imageStats(volumes: Partial<Record<Modality, DecodedVolume>>): CaseImageStats {
  const intensity: CaseImageStats['intensity'] = {};
  const present: DecodedVolume[] = [];
  for (const m of MODALITIES) {
    const v = volumes[m];
    if (!v) continue;
    present.push(v);
    const q = nonZeroQuantiles(v.data, INTENSITY_LEVELS);
    if (q) intensity[m] = q;
  }
  const brainVolumeMl = present.length
    ? nonZeroVolumeMl(
        present.map((v) => v.data),
        spacingFromAffine(present[0].affine),
      )
    : null;
  return { intensity, levels: INTENSITY_LEVELS, brainVolumeMl };
}

export interface VolumeRowLike {
  modality: string;
  dims: unknown;
  affine: unknown;
  orientation: string;
  datatype: string;
  /** Volume.registration: set on sequences co-registered onto the reference grid */
  registration?: unknown;
  /** Volume.warnings: a stripped volume's note names its skull-stripping tool */
  warnings?: unknown;
  /** Volume.acquisition: the allow-listed DICOM sidecar of a volume received as DICOM */
  acquisition?: unknown;
}

export interface CaseRowLike {
  site: string | null;
  scannerManufacturer: string | null;
  fieldStrength: number | null;
}

const triple = (v: unknown): [number, number, number] | null =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as [number, number, number]) : null;

export function metadataStats(c: CaseRowLike, volumes: VolumeRowLike[]): CaseMetadataStats {
  const modalities = MODALITIES.filter((m) => volumes.some((v) => v.modality === m));
  const first = volumes.find((v) => v.modality === 'T1N') ?? volumes[0];
  const affine = Array.isArray(first?.affine) && first.affine.length === 16 ? (first.affine as Mat4) : null;
  return {
    modalities,
    dims: first ? triple(first.dims) : null,
    spacingMm: affine ? spacingFromAffine(affine) : null,
    orientation: first?.orientation ?? null,
    datatype: first?.datatype ?? null,
    site: c.site,
    manufacturer: c.scannerManufacturer,
    fieldStrengthT: c.fieldStrength,
    registrations: volumes.flatMap((v) => registrationFigures(v.modality, v.registration)),
    skullStripped: Object.fromEntries(modalities.map((m) => [m, strippedBy(volumes.find((v) => v.modality === m)?.warnings)])),
    acquisition: caseAcquisition(volumes),
  };
}

const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** A stored co-registration record's figures, or nothing for a volume that was not resampled (or an unreadable record). */
function registrationFigures(modality: string, r: unknown): RegistrationFigures[] {
  if (!r || typeof r !== 'object') return [];
  const o = r as Record<string, unknown>;
  if (typeof o.miBefore !== 'number' || typeof o.miAfter !== 'number' || !numbers(o.rotationDeg) || !numbers(o.translationMm)) return [];
  const used = o.used === 'header' ? 'header' : 'registration';
  const reference = typeof o.reference === 'string' ? o.reference : '?';
  return [
    { modality, reference, used, miBefore: o.miBefore, miAfter: o.miAfter, rotationDeg: o.rotationDeg, translationMm: o.translationMm },
  ];
}

const numberRecord = (v: unknown): Record<string, number> =>
  v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'number')) : {};

export interface PredictionRowLike {
  volumesMl: unknown;
  componentCounts: unknown;
  uncertainty: number | null;
  features: unknown;
}

export function outputStats(p: PredictionRowLike): CaseOutputStats {
  const features = Array.isArray(p.features) && p.features.every((x) => typeof x === 'number') ? (p.features as number[]) : null;
  return {
    volumesMl: numberRecord(p.volumesMl),
    componentCounts: p.componentCounts == null ? null : numberRecord(p.componentCounts),
    uncertainty: p.uncertainty,
    features,
  };
}
