import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import type { MlflowClient, MlflowRun } from './client';
import { saveLink } from './links';
import { attachEvidence } from './mirror-evidence';
import { experimentName, mirrorTrainingRun } from './mirror-run';

/**
 * The run a registered version's source points at: the training run's mirror when the version was trained here,
 * otherwise a run of its own (an imported or seeded model) keyed `model-version:<id>` holding model.onnx and card.json.
 */
async function sourceRun(
  client: MlflowClient,
  mv: { id: string; name: string; version: string; blobKey: string; card: unknown; trainingRunId: string | null },
): Promise<MlflowRun> {
  if (mv.trainingRunId) return mirrorTrainingRun(client, mv.trainingRunId);
  const experimentId = await client.experimentId(experimentName(mv.name));
  const run = await client.ensureRun(experimentId, `model-version:${mv.id}`, `register ${mv.name} ${mv.version}`, [
    { key: 'tumorwatch.model_version_id', value: mv.id },
  ]);
  await client.uploadArtifact(run, 'model.onnx', await blobs().get(mv.blobKey));
  await client.uploadArtifact(run, 'card.json', Buffer.from(JSON.stringify(mv.card, null, 2), 'utf8'));
  await client.finishRun(run.runId, 'FINISHED');
  return run;
}

/** The registered model version mirroring a TumorWatch model version (created once, keyed `model-version:<id>`). */
export async function mirrorModelVersion(client: MlflowClient, modelVersionId: string): Promise<string> {
  const mv = await db().modelVersion.findUnique({ where: { id: modelVersionId } });
  if (!mv) throw new Error(`model version ${modelVersionId} does not exist`);
  // already mirrored (the link is written only after the version exists): later stage events only move aliases
  const linked = await db().mlflowLink.findUnique({ where: { entityKind_entityId: { entityKind: 'model-version', entityId: mv.id } } });
  if (linked?.modelVersion) return linked.modelVersion;
  const run = await sourceRun(client, mv);
  await client.ensureRegisteredModel(mv.name);
  const version = await client.ensureModelVersion(mv.name, `model-version:${mv.id}`, run.artifactUri, run.runId, [
    { key: 'tumorwatch.model_version_id', value: mv.id },
    { key: 'tumorwatch.version', value: mv.version },
    { key: 'tumorwatch.run_id', value: mv.trainingRunId ?? '' },
  ]);
  await saveLink('model-version', mv.id, { experimentId: run.experimentId, runId: run.runId, modelName: mv.name, modelVersion: version });
  return version;
}

/**
 * Makes the registered model's aliases follow TumorWatch's stages as they are NOW: `champion` on the production
 * version, `challenger` on the canary (or the shadow when there is no canary), each removed when no version holds that
 * stage (rejection, rollback, archive). Sending the current state, not the event, makes late or repeated sends agree.
 */
export async function syncAliases(client: MlflowClient, modelName: string): Promise<Record<string, string | null>> {
  const staged = await db().modelVersion.findMany({
    where: { name: modelName, stage: { in: ['PRODUCTION', 'CANARY', 'SHADOW'] } },
    orderBy: { stageChangedAt: 'desc' },
    select: { id: true, stage: true },
  });
  const pick = (stage: string) => staged.find((m) => m.stage === stage)?.id ?? null;
  const targets = { champion: pick('PRODUCTION'), challenger: pick('CANARY') ?? pick('SHADOW') };
  const result: Record<string, string | null> = {};
  for (const [alias, id] of Object.entries(targets)) {
    if (id) {
      const version = await mirrorModelVersion(client, id);
      await client.setAlias(modelName, alias, version);
      result[alias] = version;
    } else {
      await client.deleteAlias(modelName, alias);
      result[alias] = null;
    }
  }
  return result;
}

/** A model-stage event: the version exists in MLflow, the aliases follow, and a signed promotion's report is attached. */
export async function mirrorModelStage(client: MlflowClient, modelVersionId: string): Promise<void> {
  const mv = await db().modelVersion.findUnique({ where: { id: modelVersionId }, select: { name: true } });
  if (!mv) throw new Error(`model version ${modelVersionId} does not exist`);
  await mirrorModelVersion(client, modelVersionId);
  await syncAliases(client, mv.name);
  await attachEvidence(client, modelVersionId);
}
