import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AppError, isAppError } from '../errors';
import { fileKey } from '../datasets/manifest';
import { loadSnapshot } from '../datasets/files';
import { trainingManifest, TRAINER_SPLITS } from '../datasets/training-manifest';
import { consumeRunToken, verifyRunToken } from './run-token';
import { parseTrainingParams, trainerArgs, type TrainingParams } from './params';
import { ingestRunArtefacts, type IngestedDto } from './ingest';
import { finishRun } from './finish';

/**
 * The app side of a remote runner (GitHub Actions): with the run's token it downloads the manifest and the files it
 * names, runs the trainer exactly as the local runner does (trainArgs), and uploads the artefacts once.
 */
async function liveRun(
  runId: string,
  token: string,
): Promise<{ snapshotId: string; params: TrainingParams & { resolved: NonNullable<TrainingParams['resolved']> } }> {
  await verifyRunToken(runId, token);
  const run = await db().workflowRun.findUniqueOrThrow({ where: { id: runId } });
  if (run.status !== 'RUNNING') throw new AppError('CONFLICT', `Run ${runId} is ${run.status}.`);
  const params = parseTrainingParams(run.params);
  if (!params.resolved || !run.snapshotId) throw new AppError('CONFLICT', `Run ${runId} has not started yet.`);
  return { snapshotId: run.snapshotId, params: params as TrainingParams & { resolved: NonNullable<TrainingParams['resolved']> } };
}

function parentFiles(params: TrainingParams): { path: string; sha256: string }[] {
  const p = params.resolved?.parentCheckpoint;
  if (!p) return [];
  return [
    { path: 'parent/checkpoint.pt', sha256: p.sha256 },
    ...(p.cardSha256 ? [{ path: 'parent/model-card.json', sha256: p.cardSha256 }] : []),
  ];
}

export interface RemoteManifestDto {
  runId: string;
  manifest: Awaited<ReturnType<typeof trainingManifest>>['doc'];
  downloads: { path: string; sha256: string; url: string }[];
  /** Arguments after `python -m tumorwatch_train`, run in the folder that holds manifest.json. */
  trainArgs: string[];
}

export async function remoteManifest(runId: string, token: string, baseUrl: string): Promise<RemoteManifestDto> {
  const { snapshotId, params } = await liveRun(runId, token);
  const tm = await trainingManifest(snapshotId);
  const files = [...tm.files, ...parentFiles(params)];
  const base = `${baseUrl.replace(/\/+$/, '')}/api/runs/${runId}/files`;
  return { runId, manifest: tm.doc, downloads: files.map((f) => ({ ...f, url: `${base}/${f.sha256}` })), trainArgs: trainerArgs(params) };
}

/** Only the files this run's manifest names (training cases and parent checkpoint) can be fetched with its token. */
export async function remoteFileKey(runId: string, token: string, sha256: string): Promise<string> {
  const { snapshotId, params } = await liveRun(runId, token);
  const snap = await loadSnapshot(snapshotId);
  const allowed = new Set(parentFiles(params).map((f) => f.sha256));
  for (const c of snap.manifest.cases) {
    if (!(TRAINER_SPLITS as readonly string[]).includes(c.split)) continue;
    allowed.add(c.label);
    for (const sha of Object.values(c.images)) allowed.add(sha);
  }
  if (!allowed.has(sha256)) throw new AppError('NOT_FOUND', 'This run has no such file.');
  return fileKey(sha256);
}

export interface UploadParts {
  onnx: Uint8Array | null;
  card: string | null;
  metrics: string | null;
  checkpoint: Uint8Array | null;
  log: Uint8Array | null;
}

/**
 * The artefact upload. The request is checked before the token is used up (a malformed upload can be retried);
 * then the token is consumed (single use) and the artefacts are validated and registered, or the run fails.
 */
export async function acceptUpload(runId: string, token: string, parts: UploadParts): Promise<IngestedDto> {
  await liveRun(runId, token);
  if (!parts.onnx || !parts.card) throw new AppError('INVALID_INPUT', 'The upload needs model.onnx and model-card.json.');
  const parse = (text: string | null, what: string) => {
    if (text === null) return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AppError('INVALID_INPUT', `${what} is not valid JSON.`);
    }
  };
  const card = parse(parts.card, 'model-card.json');
  const metrics = parse(parts.metrics, 'metrics.json');
  await consumeRunToken(runId, token);
  const log = parts.log ? await blobs().put(parts.log, { contentType: 'text/plain' }) : null;
  const logTail = parts.log ? new TextDecoder().decode(parts.log.slice(-16_000)).split('\n').slice(-200).join('\n') : undefined;
  try {
    return await ingestRunArtefacts(
      runId,
      { onnx: parts.onnx, card, metrics, checkpoint: parts.checkpoint },
      { logBlobKey: log?.key ?? null, logTail },
    );
  } catch (err) {
    if (isAppError(err) && err.code !== 'CONFLICT') {
      await finishRun(runId, {
        status: 'FAILED',
        error: `The uploaded model was refused: ${err.userMessage}`,
        logBlobKey: log?.key ?? null,
        logTail,
      });
    }
    throw err;
  }
}
