import 'server-only';
import type { DicomIngestResult, SeriesSummary } from './types';

/** What a person sees of an upload: per study its outcome and series, with no DICOM UID or patient attribute. */
export interface UploadSummaryDto {
  /** whether anything was stored (a case created, or a study waiting for a decision, or one received before) */
  stored: boolean;
  studies: {
    status: 'created' | 'needs-decision' | 'unchanged' | 'refused';
    caseId: string | null;
    externalId: string | null;
    reason: string | null;
    series: SeriesSummary[];
    failedInstances: number;
    notes: string[];
  }[];
  ignored: { file: string; reason: string }[];
}

export function uploadSummary(r: DicomIngestResult): UploadSummaryDto {
  const studies = r.studies.map((s) => ({
    status: s.status,
    caseId: 'caseId' in s ? s.caseId : null,
    externalId: s.status === 'created' ? s.externalId : null,
    reason: s.status === 'needs-decision' || s.status === 'refused' ? s.reason : null,
    series: s.series,
    failedInstances: s.failed.length,
    notes: s.notes,
  }));
  return { stored: studies.some((s) => s.status !== 'refused'), studies, ignored: r.ignored };
}
