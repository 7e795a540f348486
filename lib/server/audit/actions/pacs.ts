import { z } from 'zod';
import { defineAudit, id } from '../define';

/** The PACS side of DICOM: pulls from the configured PACS, DICOM SEG exports and their delivery to it. */
export const pacsActions = {
  /** a pull from the PACS (on demand or scheduled); each study it brought in has its own dicom.study.receive */
  pacsPull: defineAudit(
    'pacs.pull',
    'Pacs',
    z.object({
      trigger: z.enum(['on-demand', 'schedule']),
      /** studies asked for, those already received before (skipped), retrieved and handed to ingestion, and failed */
      requested: z.number().int(),
      skipped: z.number().int(),
      pulled: z.number().int(),
      failed: z.number().int(),
      /** the scheduled poll's StudyDate lower bound (YYYYMMDD) */
      since: z.string().nullable(),
    }),
  ),
  /** a DICOM SEG written (a new series) from the shown prediction or an approved label version */
  segExport: defineAudit(
    'seg.export',
    'SegExport',
    z.object({
      caseId: id,
      source: z.enum(['PREDICTION', 'LABEL']),
      predictionId: id.nullable(),
      labelVersionId: id.nullable(),
      sha256: z.string(),
      /** the sequence whose source series the SEG references */
      referencedSequence: z.string(),
    }),
  ),
  /** the SEG sent to the PACS by STOW-RS: stored, or refused with the PACS's reason */
  segSend: defineAudit('seg.send', 'SegExport', z.object({ caseId: id, stored: z.boolean(), error: z.string().nullable() })),
};
