import { z } from 'zod';
import { defineAudit, id } from '../define';

/** DICOM studies received, decided by hand, and the classification rules that sort their series. */
export const dicomActions = {
  /** a study was received (STOW-RS, upload or PACS) and stored: as a case, or waiting for a decision */
  dicomStudyReceive: defineAudit(
    'dicom.study.receive',
    'DicomStudy',
    z.object({
      source: z.string(),
      status: z.string(),
      caseId: id.nullable(),
      series: z.number().int(),
      setAside: z.number().int(),
      reason: z.string().nullable(),
    }),
  ),
  /** a person assigned series to sequences by hand; the case was created from them */
  dicomStudyDecide: defineAudit(
    'dicom.study.decide',
    'DicomStudy',
    z.object({ caseId: id, assignments: z.record(z.string(), id), previousReason: z.string().nullable() }),
  ),
  /** a person set a waiting study aside (not a tumour study, a test, a duplicate): it leaves the list, no case */
  dicomStudyDismiss: defineAudit(
    'dicom.study.dismiss',
    'DicomStudy',
    z.object({ reason: z.string(), previousReason: z.string().nullable() }),
  ),
  dicomRulesUpdate: defineAudit(
    'dicom.rules.update',
    'Setting',
    z.object({ rules: z.number().int(), previousRules: z.number().int().nullable() }),
  ),
};
