import { z } from 'zod';
import { defineAudit } from '../define';

/** The PACS side of DICOM: pulls from the configured PACS. */
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
};
