/**
 * The acquisitions the reference cases were made with, in the shape the metadata checks read
 * (`reference.imageMetadata.acquisition`, lib/server/drift/acquisition.ts): the sites (pseudonymised site keys for
 * DICOM studies), manufacturers and field strengths, the scanner models, software versions and contrast agents,
 * and per sequence the [min, max] of TR/TE/TI and slice thickness. A field no reference case has is left out, so
 * the check reports it "not checked" instead of comparing against an empty list.
 */
import {
  SEQUENCE_FIELDS,
  TEXT_FIELDS,
  type AcquisitionExpectation,
  type SequenceField,
  type TextField,
} from '@/lib/server/drift/acquisition';
import { MODALITIES, type CaseMetadataStats } from '@/lib/server/drift/types';

const distinct = <T>(values: (T | null | undefined)[]): T[] | undefined => {
  const out = [...new Set(values.filter((v): v is T => v != null && v !== ''))];
  return out.length ? out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : undefined;
};

export function acquisitionReference(metas: CaseMetadataStats[]): AcquisitionExpectation | undefined {
  const out: AcquisitionExpectation = {
    sites: distinct(metas.map((m) => m.site)),
    manufacturers: distinct(metas.map((m) => m.manufacturer)),
    fieldStrengthsT: distinct(metas.map((m) => m.fieldStrengthT)),
  };
  const sequences = metas.flatMap((m) => Object.values(m.acquisition ?? {}));
  for (const f of Object.keys(TEXT_FIELDS) as TextField[]) out[f] = distinct(sequences.map((a) => a[f]));
  const ranges: NonNullable<AcquisitionExpectation['sequences']> = {};
  for (const modality of MODALITIES) {
    const per = metas.map((m) => m.acquisition?.[modality]).filter((a) => a != null);
    for (const f of Object.keys(SEQUENCE_FIELDS) as SequenceField[]) {
      const v = per.map((a) => a[f]).filter((x): x is number => x != null);
      if (v.length) (ranges[modality] ??= {})[f] = [Math.min(...v), Math.max(...v)];
    }
  }
  if (Object.keys(ranges).length) out.sequences = ranges;
  const recorded = Object.fromEntries(Object.entries(out).filter(([, v]) => v != null));
  return Object.keys(recorded).length ? recorded : undefined;
}
