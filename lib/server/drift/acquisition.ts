/**
 * DICOM acquisition parameters for the metadata checks: what a case's volumes carry (their allow-listed dcm2niix
 * sidecar, Volume.acquisition, lib/server/dicom/privacy.ts) and what a model's reference may record about the
 * acquisitions it saw (card 2 `reference.imageMetadata.acquisition`, a calibration's, or the drift settings').
 * Times are compared in ms (the sidecar, like BIDS, gives seconds), slice thickness in mm.
 */
import { z } from 'zod';
import { MODALITIES, type AcquisitionExpectation, type Modality, type SequenceAcquisition } from './types';

/** Per-sequence numeric fields: the sidecar key, and how a reason names it. */
export const SEQUENCE_FIELDS = {
  repetitionTimeMs: { sidecar: 'RepetitionTime', name: 'TR', unit: 'ms', scale: 1000 },
  echoTimeMs: { sidecar: 'EchoTime', name: 'TE', unit: 'ms', scale: 1000 },
  inversionTimeMs: { sidecar: 'InversionTime', name: 'TI', unit: 'ms', scale: 1000 },
  sliceThicknessMm: { sidecar: 'SliceThickness', name: 'slice thickness', unit: 'mm', scale: 1 },
} as const;
export type SequenceField = keyof typeof SEQUENCE_FIELDS;

/** Per-case text fields, from any sequence's sidecar (contrast agent: the post-contrast sequence's first). */
export const TEXT_FIELDS = {
  scannerModels: { sidecar: 'ManufacturersModelName', name: 'scanner model' },
  softwareVersions: { sidecar: 'SoftwareVersions', name: 'software version' },
  contrastAgents: { sidecar: 'ContrastBolusAgent', name: 'contrast agent' },
} as const;
export type TextField = keyof typeof TEXT_FIELDS;

const range = z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo <= hi, 'a range is [min, max]');
const sequenceRanges = z.object(
  Object.fromEntries(Object.keys(SEQUENCE_FIELDS).map((k) => [k, range.optional()])) as Record<SequenceField, z.ZodOptional<typeof range>>,
);

/** What a reference may record (types.ts AcquisitionExpectation); every field is optional. */
export const acquisitionExpectationSchema: z.ZodType<AcquisitionExpectation> = z.object({
  sites: z.array(z.string()).optional(),
  manufacturers: z.array(z.string()).optional(),
  fieldStrengthsT: z.array(z.number()).optional(),
  scannerModels: z.array(z.string()).optional(),
  softwareVersions: z.array(z.string()).optional(),
  contrastAgents: z.array(z.string()).optional(),
  /** per sequence, the [min, max] of each parameter over the reference cases */
  sequences: z.partialRecord(z.enum(MODALITIES), sequenceRanges).optional(),
});
export type { AcquisitionExpectation, SequenceAcquisition };

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : Array.isArray(v) ? v.join('\\') || undefined : undefined);

/** A stored Volume.acquisition (allow-listed sidecar) in the checks' units; {} for a volume without one. */
export function sequenceAcquisition(sidecar: unknown): SequenceAcquisition {
  if (!sidecar || typeof sidecar !== 'object') return {};
  const s = sidecar as Record<string, unknown>;
  const out: SequenceAcquisition = {};
  for (const [key, f] of Object.entries(SEQUENCE_FIELDS) as [SequenceField, (typeof SEQUENCE_FIELDS)[SequenceField]][]) {
    const v = s[f.sidecar];
    // round away float noise from the unit change (0.003172 s -> 3.172 ms)
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = Math.round(v * f.scale * 1e6) / 1e6;
  }
  for (const [key, f] of Object.entries(TEXT_FIELDS) as [TextField, (typeof TEXT_FIELDS)[TextField]][]) {
    const v = text(s[f.sidecar]);
    if (v) out[key] = v;
  }
  return out;
}

/** The case's per-sequence acquisitions (only sequences whose volume has any), in the product's order. */
export function caseAcquisition(volumes: { modality: string; acquisition?: unknown }[]): Partial<Record<Modality, SequenceAcquisition>> {
  const out: Partial<Record<Modality, SequenceAcquisition>> = {};
  for (const m of MODALITIES) {
    const a = sequenceAcquisition(volumes.find((v) => v.modality === m)?.acquisition);
    if (Object.keys(a).length) out[m] = a;
  }
  return out;
}
