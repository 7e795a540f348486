import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { db, type Db, type Tx } from '../db';
import { env } from '../env';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import { TRAINER_CONFIGS, trainingParamsSchema, type TrainerConfig } from './params';

export interface ParentModel {
  id: string;
  name: string;
  version: string;
  card: unknown;
  trainingRunId: string | null;
}

export interface ResolvedCheckpoint {
  sha256: string;
  key: string;
  /** The parent's model card, stored as a blob so that every runner can place it next to the checkpoint. */
  cardSha256: string | null;
}

export async function productionModel(client: Db | Tx = db()): Promise<ParentModel | null> {
  const m = await client.modelVersion.findFirst({ where: { stage: 'PRODUCTION' }, orderBy: { stageChangedAt: 'desc' } });
  return m && { id: m.id, name: m.name, version: m.version, card: m.card, trainingRunId: m.trainingRunId };
}

/** The trainer preset a model was trained with: fine-tuning must keep its network, hence its preset. */
export function presetOfCard(card: unknown): TrainerConfig | null {
  const name = (card as { training?: { config?: { name?: unknown } } } | null)?.training?.config?.name;
  return (TRAINER_CONFIGS as readonly unknown[]).includes(name) ? (name as TrainerConfig) : null;
}

/**
 * Where a model's training checkpoint lives: a model produced by a run keeps it as a blob recorded on that run; a
 * committed model (models/<name>-<version>/checkpoint.pt, e.g. the seeded production model) keeps it on disk, and it
 * is copied into the blob store on first use so that remote runners can download it. Without one, fine-tuning is
 * impossible and the caller must say so.
 */
export async function resolveParentCheckpoint(model: ParentModel): Promise<ResolvedCheckpoint> {
  const store = blobs();
  const card =
    model.card && Object.keys(model.card as object).length
      ? await store.put(new TextEncoder().encode(JSON.stringify(model.card, null, 1)))
      : null;
  const fromRun = await runCheckpoint(model.trainingRunId);
  if (fromRun) return { ...fromRun, cardSha256: card?.sha256 ?? null };
  const file = path.resolve(env().MODELS_DIR, `${model.name}-${model.version}`, 'checkpoint.pt');
  if (fs.existsSync(file)) {
    const put = await store.put(fs.createReadStream(file));
    return { sha256: put.sha256, key: put.key, cardSha256: card?.sha256 ?? null };
  }
  throw new AppError(
    'CONFLICT',
    `${model.name}@${model.version} has no training checkpoint (looked for its run's artefacts and ${path.relative(process.cwd(), file)}): ` +
      'fine-tuning needs checkpoint.pt; train from scratch instead.',
  );
}

async function runCheckpoint(runId: string | null): Promise<{ sha256: string; key: string } | null> {
  if (!runId) return null;
  const run = await db().workflowRun.findUnique({ where: { id: runId }, select: { params: true } });
  const parsed = trainingParamsSchema.safeParse(run?.params);
  const ckpt = parsed.success ? parsed.data.artefacts?.checkpoint : null;
  if (!ckpt || !(await blobs().exists(ckpt.key))) return null;
  return { sha256: ckpt.sha256, key: ckpt.key };
}
