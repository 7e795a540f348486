import type { CaseModality } from '../imaging/validate';

/** The stable result types of `ingestDicomFiles` (lib/server/dicom/ingest.ts), used by STOW-RS, uploads and PACS pulls. */

export type DicomSource = 'stow' | 'upload' | 'pacs';

export interface IngestDicomOptions {
  source: DicomSource;
  /** the site to record on a created case; without it, a pseudonymous key of the InstitutionName */
  site?: string;
}

/** An instance in DICOM's own terms, for the STOW-RS response and PACS bookkeeping (in memory; never stored in clear). */
export interface InstanceRef {
  sopClassUid: string;
  sopInstanceUid: string;
}

export interface FailedInstance extends Partial<InstanceRef> {
  /** the file's base name (a temp name, or as it sat in a zip) */
  file: string;
  reason: string;
  /** DICOM failure reason code for the STOW-RS response (PS3.18 / PS3.7 C.4.2.1.4) */
  failureCode: number;
}

export interface SeriesSummary {
  seriesNumber: number | null;
  description: string;
  /** the sequence it serves as, or null */
  role: CaseModality | null;
  /** why it is not used (localizer, 4D, missing slice ...), or null */
  setAsideReason: string | null;
}

interface StudyBase {
  /** the study's keyed pseudonym (HMAC of its StudyInstanceUID) */
  studyKey: string;
  /** StudyInstanceUID as received: for the caller's response only, never stored in clear */
  studyInstanceUid: string;
  /** instances received and kept (used, or stored for a decision, or set aside by a classification rule) */
  accepted: InstanceRef[];
  failed: FailedInstance[];
  series: SeriesSummary[];
  /** what was noticed but did not stop the study (dcm2niix warnings, qform/sform disagreements) */
  notes: string[];
}

export type StudyOutcome = StudyBase &
  (
    | { status: 'created'; dicomStudyId: string; caseId: string; externalId: string }
    | { status: 'needs-decision'; dicomStudyId: string; reason: string }
    /** the same study was received before: nothing changed */
    | { status: 'unchanged'; dicomStudyId: string; caseId: string | null }
    /** nothing of the study was stored */
    | { status: 'refused'; reason: string }
  );

export interface DicomIngestResult {
  studies: StudyOutcome[];
  /** files that are not DICOM images (a README, a DICOMDIR, .DS_Store): ignored, each with a note */
  ignored: { file: string; reason: string }[];
}
