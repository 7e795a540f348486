import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import type { Metric, MlflowClient, MlflowRun, Tag } from './client';
import { saveLink } from './links';

const MAX_PARAM = 500; // MLflow 2.x's limit on a parameter value (3.x allows more)

/** The experiment of every run about one model name. */
export const experimentName = (modelName: string) => `tumorwatch/${modelName}`;

/** A run's params as MLflow params: nested objects flattened to dotted keys, values as text. */
export function flattenParams(value: unknown, prefix = ''): Tag[] {
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [{ key: prefix, value: JSON.stringify(value).slice(0, MAX_PARAM) }];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? flattenParams(v, `${prefix}${k}.`)
      : v === null || v === undefined
        ? []
        : [{ key: `${prefix}${k}`, value: (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, MAX_PARAM) }],
  );
}

// The reporter's progress line (lib/server/workflows/trainer-events.ts): "epoch 2 step 8/16 loss 0.5123 val Dice 0.612"
const PROGRESS = /epoch (\d+) step \d+\/\d+ loss ([0-9.eE+-]+)(?: val Dice ([0-9.eE+-]+))?/;

/** Per-epoch metrics from the run's log: the last loss and validation Dice reported in each epoch. */
export function epochMetrics(log: string, timestamp: number): Metric[] {
  const perEpoch = new Map<number, { loss?: number; dice?: number }>();
  for (const line of log.split('\n')) {
    const m = PROGRESS.exec(line);
    if (!m) continue;
    const e = perEpoch.get(Number(m[1])) ?? {};
    if (Number.isFinite(Number(m[2]))) e.loss = Number(m[2]);
    if (m[3] !== undefined && Number.isFinite(Number(m[3]))) e.dice = Number(m[3]);
    perEpoch.set(Number(m[1]), e);
  }
  return [...perEpoch].flatMap(([step, e]) => [
    ...(e.loss === undefined ? [] : [{ key: 'loss', value: e.loss, step, timestamp }]),
    ...(e.dice === undefined ? [] : [{ key: 'val_dice', value: e.dice, step, timestamp }]),
  ]);
}

/** Only the metrics whose (key, step) the run does not have yet: a retried mirror logs nothing twice. */
async function newMetrics(client: MlflowClient, runId: string, metrics: Metric[]): Promise<Metric[]> {
  const have = new Set<string>();
  for (const key of new Set(metrics.map((m) => m.key))) {
    for (const m of await client.metricHistory(runId, key)) have.add(`${m.key}:${m.step}`);
  }
  return metrics.filter((m) => !have.has(`${m.key}:${m.step}`));
}

/** Sends in chunks: MLflow's log-batch takes at most 1000 metrics and 100 params per call. */
async function logAll(client: MlflowClient, runId: string, params: Tag[], metrics: Metric[]) {
  for (let i = 0; i < params.length; i += 100) await client.logBatch(runId, { params: params.slice(i, i + 100) });
  for (let i = 0; i < metrics.length; i += 1000) await client.logBatch(runId, { metrics: metrics.slice(i, i + 1000) });
}

/**
 * Mirrors a training run: one MLflow run (keyed `training-run:<id>`) in the experiment of its model's name, with the
 * run's params, per-epoch loss / validation Dice, the log, model.onnx and card.json, and tags pointing back.
 */
export async function mirrorTrainingRun(client: MlflowClient, runId: string): Promise<MlflowRun> {
  const run = await db().workflowRun.findUnique({ where: { id: runId }, include: { resultModel: true, parentModel: true } });
  if (!run) throw new Error(`training run ${runId} does not exist`);
  const model = run.resultModel;
  const name = model?.name ?? run.parentModel?.name ?? 'unnamed';
  const experimentId = await client.experimentId(experimentName(name));
  const tags: Tag[] = [
    { key: 'tumorwatch.run_id', value: run.id },
    { key: 'tumorwatch.snapshot_id', value: run.snapshotId ?? '' },
    { key: 'tumorwatch.parent_model_id', value: run.parentModelId ?? '' },
    { key: 'tumorwatch.model_version_id', value: model?.id ?? '' },
    { key: 'tumorwatch.status', value: run.status },
  ];
  const mlRun = await client.ensureRun(experimentId, `training-run:${run.id}`, `train ${name} ${model?.version ?? run.id}`, tags);
  const log = run.logBlobKey ? Buffer.from(await blobs().get(run.logBlobKey)).toString('utf8') : run.logTail;
  const timestamp = (run.finishedAt ?? run.createdAt).getTime();
  await logAll(client, mlRun.runId, flattenParams(run.params), await newMetrics(client, mlRun.runId, epochMetrics(log, timestamp)));
  await client.uploadArtifact(mlRun, 'training.log', Buffer.from(log, 'utf8'));
  if (model) {
    await client.uploadArtifact(mlRun, 'model.onnx', await blobs().get(model.blobKey));
    await client.uploadArtifact(mlRun, 'card.json', Buffer.from(JSON.stringify(model.card, null, 2), 'utf8'));
  }
  await client.finishRun(mlRun.runId, run.status === 'SUCCEEDED' ? 'FINISHED' : run.status === 'CANCELLED' ? 'KILLED' : 'FAILED');
  await saveLink('training-run', run.id, { experimentId, runId: mlRun.runId });
  return mlRun;
}
