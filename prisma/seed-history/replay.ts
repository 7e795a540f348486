/**
 * Replays a recorded training run into a run the ML engineer just started: the run's own snapshot must hold exactly
 * the data the recording trained on (checked, never assumed), then the recorded artefacts go through the same
 * ingestion as a finished LOCAL run (validation, registration as CANDIDATE, lineage, the evaluation job). The log
 * opens with a line saying the run was recorded, and when; the card keeps the recording's own snapshot under
 * training.recorded.
 */
import { db } from '../../lib/server/db';
import { blobs } from '../../lib/server/blobs';
import { AUDIT, recordAudit } from '../../lib/server/audit';
import { WORKER } from '../../lib/server/auth/actor';
import { loadSnapshot } from '../../lib/server/datasets/files';
import { ingestRunArtefacts } from '../../lib/server/workflows/ingest';
import { parseTrainingParams } from '../../lib/server/workflows/params';
import { sameContent, snapshotContent, type LoadedRecording } from './recording';

export const recordedNote = (r: LoadedRecording) =>
  `recorded run: trained offline by training/ on ${r.recording.finishedAt.slice(0, 10)} (${r.recording.recordedBy}, LOCAL runner); ` +
  "the seed checked that this run's snapshot holds the same cases, labels and images, and replayed the trainer's artefacts and log";

export async function replayRecordedRun(runId: string, rec: LoadedRecording): Promise<{ modelVersionId: string; version: string }> {
  const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId } });
  if (!run.snapshotId) throw new Error(`run ${runId} has no snapshot`);
  const snapshot = await loadSnapshot(run.snapshotId);
  if (!sameContent(snapshotContent(snapshot.manifest), rec.recording.snapshot.cases)) {
    throw new Error(
      `the recording "${rec.recording.key}" was trained on other data than this run's snapshot ${snapshot.name}: ` +
        'the demo cases or labels changed since it was made; record it again with `npm run demo:record`',
    );
  }
  const note = recordedNote(rec);
  await markRunning(runId, rec, note);
  const log = await blobs().put(new TextEncoder().encode(`${note}\n${rec.log}`), { contentType: 'text/plain' });
  const training = rec.card.training as Record<string, unknown>;
  const card = {
    ...rec.card,
    training: {
      ...training,
      datasetSnapshot: { id: snapshot.id, sha256: snapshot.sha256 },
      recorded: { note, snapshot: { id: rec.recording.snapshot.id, sha256: rec.recording.snapshot.sha256 } },
    },
  };
  const tail = `${note}\n${rec.log.trimEnd().split('\n').slice(-40).join('\n')}`;
  const mv = await ingestRunArtefacts(
    runId,
    { onnx: rec.onnx, card, metrics: rec.metrics, checkpoint: null },
    { logBlobKey: log.key, logTail: tail },
  );
  return { modelVersionId: mv.modelVersionId, version: mv.version };
}

/** QUEUED -> RUNNING with the recording's resolved parameters (name, version, parent checkpoint), audited. */
async function markRunning(runId: string, rec: LoadedRecording, note: string) {
  const params = parseTrainingParams(run(rec));
  await db().$transaction(async (tx) => {
    const current = await tx.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    const input = parseTrainingParams(current.params).input;
    const { count } = await tx.workflowRun.updateMany({
      where: { id: runId, status: 'QUEUED' },
      data: {
        status: 'RUNNING',
        startedAt: new Date(rec.recording.startedAt),
        progress: 0,
        params: { ...params, input, recorded: { note, finishedAt: rec.recording.finishedAt } } as object,
      },
    });
    if (count !== 1) throw new Error(`run ${runId} is ${current.status}, not QUEUED: it cannot take a recording`);
    await recordAudit(tx, { actor: WORKER, action: AUDIT.runStart, entityId: runId, data: { resolved: params.resolved } });
  });
}

const run = (rec: LoadedRecording) => ({ input: rec.recording.params.input, resolved: rec.recording.params.resolved });
