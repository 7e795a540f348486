import { z } from 'zod';
import { defineAudit, id, labelCounts, regionDice } from '../define';

const version = z.object({
  caseId: id,
  labelId: id,
  number: z.number().int(),
  parentId: id.nullable(),
  source: z.string(),
  sha256: z.string(),
  voxelCounts: labelCounts,
  /** absent on the MODEL version 1, which records the prediction it copies instead */
  changedVoxels: z.number().optional(),
  predictionId: id.optional(),
  /** a restore is a new version with an old one's voxels */
  restoredFromId: id.optional(),
  restoredFromNumber: z.number().int().optional(),
});

const decision = z.object({ caseId: id, versionId: id, from: z.string(), to: z.string() });

/** Labels: creation, the immutable versions, and the review decisions on the head version. */
export const labelActions = {
  labelCreate: defineAudit('label.create', 'Label', z.object({ caseId: id })),
  labelStatus: defineAudit('label.status', 'Label', z.object({ from: z.string(), to: z.string(), reason: z.string() })),
  labelVersionCreate: defineAudit('label.version.create', 'LabelVersion', version),
  labelVersionBranch: defineAudit('label.version.branch', 'LabelVersion', version),
  labelSubmit: defineAudit('label.submit', 'Label', decision),
  /** `dice`: per region between the shown prediction and the approved mask; null when the case had none. */
  labelApprove: defineAudit(
    'label.approve',
    'Label',
    decision.extend({
      dice: regionDice.extend({ predictionId: id, modelVersion: z.string() }).nullable(),
    }),
  ),
  labelReturn: defineAudit('label.return', 'Label', decision.extend({ comment: z.string() })),
};
