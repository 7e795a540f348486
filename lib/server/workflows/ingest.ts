import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { enqueueMirror } from '../mlflow/outbox';
import { AppError } from '../errors';
import { WORKER } from '../auth/actor';
import { getQueue } from '../jobs';
import { insertModelVersion, prepareModelVersion } from '../registry/register';
import { evaluationRunJob } from './jobs';
import { parseTrainingParams } from './params';
import type { Artefacts } from './runner';

export interface IngestedDto {
  modelVersionId: string;
  name: string;
  version: string;
}

const put = async (bytes: Uint8Array | null, contentType: string) => {
  if (!bytes) return null;
  const r = await blobs().put(bytes, { contentType });
  return { key: r.key, sha256: r.sha256, size: r.size };
};

/**
 * A finished run's artefacts become a CANDIDATE model only after validation (registerModelVersion: card schema,
 * sha256, onnxruntime loads it with the card's I/O names). The card must also be this run's: its version and its
 * dataset snapshot are the ones the run was started with. Lineage (run, snapshot, parent, trainer code version) is
 * stored, the run is finished, and the evaluation job is queued in one transaction with the model's registration:
 * a run cancelled (or a worker killed) while onnxruntime validates the file leaves no candidate behind. Idempotent
 * per run.
 */
export async function ingestRunArtefacts(
  runId: string,
  artefacts: Artefacts,
  opts: { logBlobKey?: string | null; logTail?: string } = {},
): Promise<IngestedDto> {
  const run = await db().workflowRun.findUnique({ where: { id: runId }, include: { resultModel: true } });
  if (!run) throw new AppError('NOT_FOUND', 'No such run.');
  if (run.resultModel) return { modelVersionId: run.resultModel.id, name: run.resultModel.name, version: run.resultModel.version };
  if (run.status !== 'RUNNING') throw new AppError('CONFLICT', `Run ${runId} is ${run.status}; it no longer accepts artefacts.`);
  const params = parseTrainingParams(run.params);
  checkCardBelongsToRun(artefacts.card, { version: params.resolved?.version, snapshotId: run.snapshotId });

  const [checkpoint, metrics] = await Promise.all([
    put(artefacts.checkpoint, 'application/octet-stream'),
    put(artefacts.metrics ? new TextEncoder().encode(JSON.stringify(artefacts.metrics)) : null, 'application/json'),
  ]);
  const input = {
    onnx: artefacts.onnx,
    members: artefacts.members,
    card: artefacts.card,
    stage: 'CANDIDATE' as const,
    parentId: run.parentModelId,
    trainingRunId: run.id,
    snapshotId: run.snapshotId,
  };
  const prepared = await prepareModelVersion(input);
  return db().$transaction(async (tx) => {
    const mv = 'existing' in prepared ? prepared.existing : await insertModelVersion(tx, WORKER, input, prepared);
    const { count } = await tx.workflowRun.updateMany({
      where: { id: run.id, status: 'RUNNING' },
      data: {
        status: 'SUCCEEDED',
        progress: 1,
        finishedAt: new Date(),
        error: null,
        params: { ...params, artefacts: { checkpoint, metrics } } as object,
        ...(opts.logBlobKey ? { logBlobKey: opts.logBlobKey } : {}),
        ...(opts.logTail !== undefined ? { logTail: opts.logTail } : {}),
      },
    });
    if (count === 0) throw new AppError('CONFLICT', `Run ${runId} ended (cancelled or failed) while its artefacts were being registered.`);
    await recordAudit(tx, {
      actor: WORKER,
      action: AUDIT.runSucceed,
      entityId: run.id,
      data: {
        modelVersionId: mv.id,
        version: mv.version,
        snapshotId: run.snapshotId,
        parentModelId: run.parentModelId,
        codeVersion: mv.codeVersion,
      },
    });
    await getQueue().enqueue(evaluationRunJob, { modelVersionId: mv.id }, { idempotencyKey: `evaluation.run:${mv.id}`, tx });
    // MLflow mirror of the run and of the new registered version (a no-op without MLFLOW_TRACKING_URI)
    await enqueueMirror(tx, { kind: 'training-run', entityId: run.id, key: `training-run:${run.id}` });
    await enqueueMirror(tx, { kind: 'model-stage', entityId: mv.id, key: `model-stage:${mv.id}:registered` });
    return { modelVersionId: mv.id, name: mv.name, version: mv.version };
  });
}

function checkCardBelongsToRun(card: unknown, run: { version?: string; snapshotId: string | null }) {
  const c = card as { version?: unknown; training?: { datasetSnapshot?: { id?: unknown } } } | null;
  if (run.version && c?.version !== run.version) {
    throw new AppError('INVALID_INPUT', `The model card's version ${String(c?.version)} is not this run's (${run.version}).`);
  }
  if (run.snapshotId && c?.training?.datasetSnapshot?.id !== run.snapshotId) {
    throw new AppError(
      'INVALID_INPUT',
      `The model was trained on snapshot ${String(c?.training?.datasetSnapshot?.id)}, not this run's ${run.snapshotId}.`,
    );
  }
}
