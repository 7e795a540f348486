import { z } from 'zod';
import { defineAudit, id, stage, storedEvidence } from '../define';

const stageChange = z.object({ reason: z.string(), from: stage, to: stage });
/** Optional fields were added after the action was first written: existing databases hold events without them. */
const addedLater = <T extends z.ZodType>(schema: T) => schema.optional();

/** The model registry (registration, promotion, rollback) and the evaluations that gate it. */
export const modelActions = {
  modelRegister: defineAudit(
    'model.register',
    'ModelVersion',
    z.object({
      name: z.string(),
      version: z.string(),
      stage,
      sha256: z.string(),
      waitingCases: addedLater(z.number().int()),
      /** every ONNX file, an ensemble's members in order (the first is `sha256`) */
      members: addedLater(z.array(z.object({ file: z.string(), sha256: z.string() }))),
      /** a model imported from outside the trainer: its source format and whether the CLI or the upload page sent it */
      origin: addedLater(z.object({ format: z.enum(['monai-bundle', 'nnunet', 'onnx']), via: z.enum(['cli', 'upload', 'mlflow']) })),
    }),
  ),
  /** An import refused at validation (nothing stored): who tried, what, and the field the refusal names. */
  modelImportRefused: defineAudit(
    'model.import.refused',
    // no version was created: the entity id is the name@version the card claims, or the uploaded file's name
    'ModelImport',
    z.object({
      format: z.enum(['monai-bundle', 'nnunet', 'onnx']),
      via: z.enum(['cli', 'upload', 'mlflow']),
      field: z.string().nullable(),
      message: z.string(),
    }),
  ),
  modelPromoteShadow: defineAudit(
    'model.promote.shadow',
    'ModelVersion',
    stageChange.extend({
      evaluationId: id,
      deploymentId: id,
      evidence: storedEvidence,
    }),
  ),
  modelPromoteCanary: defineAudit(
    'model.promote.canary',
    'ModelVersion',
    stageChange.extend({
      trafficPercent: z.number(),
      deploymentId: id,
      evaluationId: addedLater(id),
      evidence: storedEvidence,
    }),
  ),
  /** The signed step; `previousProductionId` is what a production rollback restores. */
  modelPromoteProduction: defineAudit(
    'model.promote.production',
    'ModelVersion',
    stageChange.extend({
      previousProductionId: id.nullable(),
      approvalId: id,
      signature: z.string(),
      canary: addedLater(z.object({ cases: z.number(), minCases: z.number(), shortCanaryConfirmed: z.boolean() })),
      evaluationId: addedLater(id),
      evidence: storedEvidence,
    }),
  ),
  modelApprovalSignatureFailed: defineAudit('model.approval.signature-failed', 'ModelVersion', z.object({})),
  modelArchive: defineAudit('model.archive', 'ModelVersion', stageChange.extend({ replacedBy: id })),
  modelReject: defineAudit('model.reject', 'ModelVersion', stageChange.extend({ deploymentIds: z.array(id) })),
  modelCanaryRollback: defineAudit(
    'model.canary.rollback',
    'ModelVersion',
    stageChange.extend({ automatic: z.boolean(), deploymentIds: z.array(id) }),
  ),
  modelRollback: defineAudit('model.rollback', 'ModelVersion', stageChange.extend({ restoredId: id, approvalId: id })),
  modelRestore: defineAudit('model.restore', 'ModelVersion', stageChange.extend({ replacedId: id })),
  evaluationRequest: defineAudit('evaluation.request', 'ModelVersion', z.object({ jobId: id })),
  evaluationStart: defineAudit(
    'evaluation.start',
    'Evaluation',
    z.object({
      modelVersionId: id,
      baselineModelId: id.nullable(),
      criteriaId: id,
      runId: id,
    }),
  ),
  /** `failed`: the ids of the criteria that failed */
  evaluationFinish: defineAudit(
    'evaluation.finish',
    'Evaluation',
    z.object({
      modelVersionId: id,
      verdict: z.string(),
      cases: z.number().int(),
      failed: z.array(z.string()),
    }),
  ),
  evaluationFail: defineAudit('evaluation.fail', 'Evaluation', z.object({ runId: id, error: z.string() })),
  criteriaCreate: defineAudit(
    'criteria.create',
    'AcceptanceCriteria',
    z.object({
      version: z.number().int(),
      previousVersion: z.number().int().optional(),
      reason: z.string(),
    }),
  ),
};
