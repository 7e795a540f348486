import { z } from 'zod';
import { trainingParamsSchema } from '../../workflows/params';
import { defineAudit, id } from '../define';

/** Datasets and snapshots, and the training runs that consume them. */
export const datasetActions = {
  datasetCreate: defineAudit('dataset.create', 'Dataset', z.object({ kind: z.string() })),
  /** `unapprovedConfirmed`: added cases whose label was not approved, which the ML engineer confirmed adding. */
  datasetMembersAdd: defineAudit(
    'dataset.members.add',
    'Dataset',
    z.object({ caseIds: z.array(id), unapprovedConfirmed: z.array(id).optional() }),
  ),
  datasetMembersRemove: defineAudit('dataset.members.remove', 'Dataset', z.object({ caseId: id })),
  datasetLock: defineAudit('dataset.lock', 'Dataset', z.object({ members: z.number().int() })),
  /** A read of a locked hold-out: what for (LIST, EVALUATION, EXPORT, TRAINING) and in which context. */
  datasetRead: defineAudit(
    'dataset.read',
    'Dataset',
    z.object({
      purpose: z.string(),
      evaluationId: id.optional(),
      snapshotId: id.optional(),
      format: z.string().optional(),
      members: z.number().int().optional(),
      /** a single member's label or mask read (editor, blob route, diff) */
      caseId: id.optional(),
      labelVersionId: id.optional(),
    }),
  ),
  snapshotCreate: defineAudit(
    'snapshot.create',
    'DatasetSnapshot',
    z.object({
      name: z.string(),
      purpose: z.string(),
      sha256: z.string(),
      splits: z.record(z.string(), z.number()),
      skipped: z.number().int(),
    }),
  ),
  snapshotExport: defineAudit('snapshot.export', 'DatasetSnapshot', z.object({ format: z.string(), cases: z.number().int() })),
  retrainTrigger: defineAudit(
    'retrain.trigger',
    'WorkflowRun',
    z.object({
      pending: z.number().int(),
      n: z.number().int(),
      train: z.number().int(),
      holdout: z.number().int(),
      snapshotId: id,
      parentModelId: id.nullable(),
    }),
  ),
  runCreate: defineAudit(
    'run.create',
    'WorkflowRun',
    z.object({
      runner: z.string(),
      snapshotId: id,
      parentModelId: id.nullable(),
      input: trainingParamsSchema.shape.input,
    }),
  ),
  runStart: defineAudit('run.start', 'WorkflowRun', z.object({ resolved: trainingParamsSchema.shape.resolved })),
  runSucceed: defineAudit(
    'run.succeed',
    'WorkflowRun',
    z.object({
      modelVersionId: id,
      version: z.string(),
      snapshotId: id.nullable(),
      parentModelId: id.nullable(),
      codeVersion: z.string().nullable(),
    }),
  ),
  runFail: defineAudit('run.fail', 'WorkflowRun', z.object({ error: z.string().nullable() })),
  /** Cancelled by a user (`from`: the status it left) or found cancelled when the runner finished (`error`). */
  runCancel: defineAudit('run.cancel', 'WorkflowRun', z.object({ from: z.string().optional(), error: z.string().nullable().optional() })),
};
