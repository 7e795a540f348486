import 'server-only';
import { db, type Tx } from '../db';
import { env } from '../env';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import { getQueue } from '../jobs';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { createSnapshotInTx } from '../datasets/snapshot';
import { trainingRunJob } from './jobs';
import { commandTemplate } from './runners/command';
import { presetOfCard, productionModel, type ParentModel } from './parent';
import type { RunnerKindName, TrainerConfig, TrainingInput, TrainingParams } from './params';

export interface StartRunInput {
  runner: RunnerKindName;
  /** 'production': fine-tune the current production model; 'scratch': a fresh network. */
  init: 'production' | 'scratch';
  /** Defaults to the parent's preset (fine-tuning keeps the network), or 'default' from scratch. */
  config?: TrainerConfig | null;
  epochs?: number | null;
  stepsPerEpoch?: number | null;
  seed?: number | null;
  /** An existing snapshot; without one, a training snapshot of the current training and drifter sets is taken. */
  snapshotId?: string | null;
}

export interface StartedRunDto {
  runId: string;
  snapshotId: string;
}

/** A training run started by hand (Runs page): snapshot, run row, audit and job commit together. */
export async function startTrainingRun(actor: Actor, input: StartRunInput): Promise<StartedRunDto> {
  await authorize(actor, 'run:start');
  return db().$transaction(
    async (tx) => {
      const parent = input.init === 'production' ? await productionModel(tx) : null;
      if (input.init === 'production' && !parent)
        throw new AppError('INVALID_INPUT', 'There is no production model to fine-tune: train from scratch.');
      const snapshotId = input.snapshotId ?? (await snapshotCurrentTrainingData(tx, actor, 'manual'));
      return createTrainingRunInTx(tx, actor, { ...input, snapshotId, parent, trigger: 'MANUAL' });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/** The training set as TRAIN and the (unlocked) drifter hold-out as DRIFTER, so evaluation knows what was held out. */
export async function snapshotCurrentTrainingData(tx: Tx, actor: Actor, prefix: string): Promise<string> {
  const train = await tx.dataset.findMany({ where: { kind: 'TRAIN' } });
  if (train.length === 0) throw new AppError('INVALID_INPUT', 'There is no training dataset.');
  const drifter = await tx.dataset.findMany({ where: { kind: 'DRIFTER', locked: false } });
  const snap = await createSnapshotInTx(tx, actor, {
    name: `${prefix}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`,
    purpose: 'TRAINING',
    sources: [...train.map((d) => ({ datasetId: d.id, split: 'TRAIN' })), ...drifter.map((d) => ({ datasetId: d.id, split: 'DRIFTER' }))],
  });
  return snap.id;
}

export interface CreateRunInput extends Omit<StartRunInput, 'init' | 'snapshotId'> {
  snapshotId: string;
  parent: ParentModel | null;
  trigger: TrainingInput['trigger'];
}

export async function createTrainingRunInTx(tx: Tx, actor: Actor, input: CreateRunInput): Promise<StartedRunDto> {
  const preset = input.parent ? presetOfCard(input.parent.card) : null;
  const config = input.config ?? preset ?? 'default';
  if (input.parent && preset && config !== preset) {
    throw new AppError(
      'INVALID_INPUT',
      `Fine-tuning keeps ${input.parent.name}@${input.parent.version}'s network: choose the "${preset}" preset, or train from scratch.`,
    );
  }
  if (input.runner === 'GITHUB_ACTIONS' && (!env().GITHUB_REPOSITORY || !env().GITHUB_TOKEN)) {
    throw new AppError('INVALID_INPUT', 'The GitHub Actions runner is not configured (GITHUB_REPOSITORY and GITHUB_TOKEN).');
  }
  if (input.runner === 'COMMAND') commandTemplate(); // refuses an unset or malformed TRAINING_COMMAND, naming it
  const trainCases = await tx.snapshotItem.count({ where: { snapshotId: input.snapshotId, split: 'TRAIN' } });
  if (trainCases === 0) throw new AppError('INVALID_INPUT', 'The snapshot has no training cases with approved labels.');
  const params: TrainingParams = {
    input: {
      config,
      epochs: input.epochs ?? null,
      stepsPerEpoch: input.stepsPerEpoch ?? null,
      seed: input.seed ?? null,
      init: input.parent ? 'parent' : 'scratch',
      trigger: input.trigger,
    },
  };
  const run = await tx.workflowRun.create({
    data: {
      kind: 'TRAINING',
      runner: input.runner,
      params: params as object,
      snapshotId: input.snapshotId,
      parentModelId: input.parent?.id ?? null,
      createdById: actor.kind === 'user' ? actor.id : null,
    },
  });
  await recordAudit(tx, {
    actor,
    action: AUDIT.runCreate,
    entityId: run.id,
    data: { runner: run.runner, snapshotId: input.snapshotId, parentModelId: run.parentModelId, input: params.input },
  });
  await getQueue().enqueue(trainingRunJob, { runId: run.id }, { idempotencyKey: `workflow.train:${run.id}`, tx });
  return { runId: run.id, snapshotId: input.snapshotId };
}
