import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { decryptJson } from './privacy';
import type { PatientStudyModule } from './scan';

/**
 * The source series' referencing attributes, for DICOM SEG export (a SEG must reference its source instances and copy
 * the patient and study modules to sit in the same study). Stored per DicomSeries, encrypted with AES-256-GCM under
 * DICOM_REFS_KEY (privacy.ts): the database and its backups hold no UID or patient attribute in clear, and only this
 * module decrypts.
 */
export interface SourceReferences {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  modality: string;
  seriesNumber: number | null;
  seriesDescription: string;
  patientStudy: PatientStudyModule;
  /**
   * in the order received. A multi-frame (enhanced) object has no ImagePositionPatient of its own: its frames'
   * positions are in framePositions (absent in records stored before they were kept) and its shared orientation in
   * imageOrientationPatient, so that a SEG can reference it frame by frame.
   */
  instances: {
    sopClassUid: string;
    sopInstanceUid: string;
    numberOfFrames: number;
    imagePositionPatient: number[] | null;
    imageOrientationPatient: number[] | null;
    framePositions?: number[][] | null;
  }[];
}

/** By DicomSeries id. */
export async function readSourceReferences(dicomSeriesId: string): Promise<SourceReferences> {
  const s = await db().dicomSeries.findUnique({ where: { id: dicomSeriesId }, select: { sourceRefs: true } });
  if (!s?.sourceRefs) throw new AppError('NOT_FOUND', `DICOM series ${dicomSeriesId} has no stored source references.`);
  return decryptJson<SourceReferences>(s.sourceRefs);
}

/** For a case built from DICOM: each sequence's source series references (empty for a NIfTI-uploaded case). */
export async function readCaseSourceReferences(caseId: string): Promise<Partial<Record<string, SourceReferences>>> {
  const volumes = await db().volume.findMany({
    where: { caseId, dicomSeriesId: { not: null } },
    select: { modality: true, dicomSeries: { select: { sourceRefs: true } } },
  });
  const out: Partial<Record<string, SourceReferences>> = {};
  for (const v of volumes) if (v.dicomSeries?.sourceRefs) out[v.modality] = decryptJson<SourceReferences>(v.dicomSeries.sourceRefs);
  return out;
}
