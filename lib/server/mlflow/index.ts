import 'server-only';
import { z } from 'zod';
import { env } from '../env';
import { MlflowClient } from './client';
import { drainOutbox, processOutboxRow, type OutboxRow } from './outbox';
import { mirrorEvaluation } from './mirror-evaluation';
import { mirrorModelStage } from './mirror-model';
import { mirrorTrainingRun } from './mirror-run';

export { enqueueMirror, mlflowConfigured, pendingMirrorProblems, type MirrorKind } from './outbox';
export { mlflowLinks } from './links';
export { mlflowMirrorJob } from './jobs';

const payloadOf = z.object({}).passthrough();

/** Sends one outbox row to the MLflow server at `baseUrl` (MLFLOW_TRACKING_URI by default). */
export function mlflowSender(baseUrl = env().MLFLOW_TRACKING_URI) {
  return async (row: OutboxRow): Promise<void> => {
    if (!baseUrl) throw new Error('MLFLOW_TRACKING_URI is not set: the row waits until it is');
    payloadOf.parse(row.payload);
    const client = new MlflowClient(baseUrl);
    switch (row.kind) {
      case 'training-run':
        await mirrorTrainingRun(client, row.entityId);
        return;
      case 'evaluation':
        await mirrorEvaluation(client, row.entityId);
        return;
      case 'model-stage':
        await mirrorModelStage(client, row.entityId);
        return;
      default:
        throw new Error(`unknown MLflow outbox kind "${row.kind}"`);
    }
  };
}

/** The mlflow.mirror job: its own row first, then whatever else is due (rows whose job was lost). Never throws. */
export async function runMirrorJob(outboxId: string): Promise<{ sent: number; failed: number }> {
  const send = mlflowSender();
  const first = await processOutboxRow(outboxId, send);
  const rest = await drainOutbox(send);
  return { sent: rest.sent + (first === 'sent' ? 1 : 0), failed: rest.failed + (first === 'failed' ? 1 : 0) };
}
