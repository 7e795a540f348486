/** `npm run demo:record`'s last step: a finished LOCAL run of this database, written out as a recording. */
import { db } from '../../lib/server/db';
import { blobs } from '../../lib/server/blobs';
import { loadSnapshot } from '../../lib/server/datasets/files';
import { parseTrainingParams } from '../../lib/server/workflows/params';
import { snapshotContent, writeRecording } from './recording';
import type { RunKey } from './plan';

export async function exportRun(key: RunKey, runId: string): Promise<string> {
  const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId }, include: { resultModel: true } });
  if (run.status !== 'SUCCEEDED' || !run.resultModel || !run.snapshotId) {
    throw new Error(`run ${runId} did not produce a model (${run.status}${run.error ? `: ${run.error}` : ''})`);
  }
  const params = parseTrainingParams(run.params);
  const metricsKey = params.artefacts?.metrics?.key;
  if (!metricsKey || !run.logBlobKey) throw new Error(`run ${runId} has no metrics or no log`);
  const snapshot = await loadSnapshot(run.snapshotId);
  const text = async (k: string) => new TextDecoder().decode(await blobs().get(k));
  return writeRecording(key, {
    onnx: await blobs().get(run.resultModel.blobKey),
    card: run.resultModel.card as Record<string, unknown>,
    log: await text(run.logBlobKey),
    metrics: JSON.parse(await text(metricsKey)),
    recording: {
      key,
      recordedBy: 'npm run demo:record',
      runner: run.runner,
      startedAt: run.startedAt!.toISOString(),
      finishedAt: run.finishedAt!.toISOString(),
      params: { input: params.input, resolved: params.resolved },
      snapshot: { id: snapshot.id, sha256: snapshot.sha256, cases: snapshotContent(snapshot.manifest) },
    },
  });
}
