import { z } from 'zod';
import { defineAudit, id, regionDice } from '../define';

/** Cases, their serving (predictions, shadow agreement, failures) and drift. */
export const caseActions = {
  caseIngest: defineAudit(
    'case.ingest',
    'Case',
    z.object({
      externalId: z.string(),
      modalities: z.array(z.string()),
      referenceMask: z.boolean(),
      site: z.string().nullable(),
      /** sequences resampled onto the reference grid by co-registration (absent before it existed) */
      coregistered: z.array(z.string()).optional(),
    }),
  ),
  caseAssign: defineAudit('case.assign', 'Case', z.object({ assigneeId: id })),
  /** a radiologist saved on a case another had claimed, after confirming the take-over */
  caseTakeover: defineAudit('case.takeover', 'Case', z.object({ previousAssigneeId: id, assigneeId: id })),
  caseUnassign: defineAudit('case.unassign', 'Case', z.object({ previousAssigneeId: id.nullable() })),
  caseFlag: defineAudit('case.flag', 'Case', z.object({ flagId: id, predictionId: id.nullable(), reason: z.string() })),
  driftReport: defineAudit(
    'drift.report',
    'Case',
    z.object({
      driftReportId: id,
      predictionId: id,
      isDrifter: z.boolean(),
      score: z.number(),
      reasons: z.array(z.string()),
      model: z.object({ name: z.string(), version: z.string() }),
    }),
  ),
  predictionCreate: defineAudit(
    'prediction.create',
    'Prediction',
    z.object({
      caseId: id,
      role: z.string(),
      returned: z.boolean(),
      model: z.string(),
      volumesMl: z.object({ NCR: z.number(), ED: z.number(), ET: z.number(), TC: z.number(), WT: z.number() }),
    }),
  ),
  /** The mask clinicians see for the case changed: `predictionId` is shown, `hidden` are no longer. */
  predictionShown: defineAudit('prediction.shown', 'Case', z.object({ predictionId: id, hidden: z.array(id) })),
  /** A shadow or canary model failed on a case (production answered it); recorded on the model's history. */
  predictionFailed: defineAudit(
    'prediction.failed',
    'ModelVersion',
    z.object({
      caseId: id,
      role: z.string(),
      returned: z.boolean(),
      error: z.string(),
    }),
  ),
  /** `dice` is optional: older events carry it; the serving code no longer writes it. */
  shadowAgreement: defineAudit(
    'shadow.agreement',
    'Prediction',
    z.object({
      predictionId: id,
      productionPredictionId: id,
      caseId: id,
      modelVersionId: id,
      dice: regionDice.optional(),
    }),
  ),
};
