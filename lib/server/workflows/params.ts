import 'server-only';
import { z } from 'zod';

export const TRAINER_CONFIGS = ['tiny', 'small', 'default'] as const;
export type TrainerConfig = (typeof TRAINER_CONFIGS)[number];
export const RUNNER_KINDS = ['LOCAL', 'GITHUB_ACTIONS', 'COMMAND'] as const;
export type RunnerKindName = (typeof RUNNER_KINDS)[number];

const sha = z.string().regex(/^[0-9a-f]{64}$/);
const artefact = z.object({ key: z.string(), sha256: sha, size: z.number().int().nonnegative() });

/**
 * WorkflowRun.params of a training run. `input` is what was asked for; `resolved` is fixed when the run starts (the
 * model name and version it will produce, the parent checkpoint it starts from); `artefacts` is filled on success
 * (blobs of the checkpoint and metrics, which the ModelVersion row has no column for: the checkpoint is what a later
 * fine-tuning from this model starts from).
 */
export const trainingParamsSchema = z.object({
  input: z.object({
    config: z.enum(TRAINER_CONFIGS),
    epochs: z.number().int().min(1).max(1000).nullable().default(null),
    stepsPerEpoch: z.number().int().min(1).max(100_000).nullable().default(null),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .nullable()
      .default(null),
    /** 'parent': fine-tune run.parentModelId; 'scratch': a fresh network (parentModelId stays null). */
    init: z.enum(['parent', 'scratch']),
    trigger: z.enum(['MANUAL', 'AUTO']),
  }),
  resolved: z
    .object({
      name: z.string(),
      version: z.string(),
      parentCheckpoint: z.object({ sha256: sha, cardSha256: sha.nullable() }).nullable(),
    })
    .optional(),
  artefacts: z.object({ checkpoint: artefact.nullable(), metrics: artefact.nullable() }).optional(),
});
export type TrainingParams = z.infer<typeof trainingParamsSchema>;
export type TrainingInput = TrainingParams['input'];

export function parseTrainingParams(raw: unknown): TrainingParams {
  return trainingParamsSchema.parse(raw);
}

/**
 * Trainer arguments shared by every runner (paths relative to the run folder, which holds manifest.json and, when
 * fine-tuning, parent/checkpoint.pt): the local runner and the GitHub workflow run exactly the same command.
 */
export function trainerArgs(params: TrainingParams, out = 'out'): string[] {
  const { input, resolved } = params;
  if (!resolved) throw new Error('run parameters are not resolved yet');
  const args = [
    'train',
    '--manifest',
    'manifest.json',
    '--out',
    out,
    '--config',
    input.config,
    '--name',
    resolved.name,
    '--version',
    resolved.version,
  ];
  if (resolved.parentCheckpoint) args.push('--init-from', 'parent');
  if (input.epochs) args.push('--epochs', String(input.epochs));
  if (input.stepsPerEpoch) args.push('--steps-per-epoch', String(input.stepsPerEpoch));
  if (input.seed !== null) args.push('--seed', String(input.seed));
  return args;
}

/** Semver of the model a run produces: the parent's next minor as a pre-release named after the run. */
export function versionForRun(runId: string, parentVersion: string | null): string {
  const m = parentVersion?.match(/^(\d+)\.(\d+)\.(\d+)/);
  const base = m ? `${m[1]}.${Number(m[2]) + 1}.0` : '0.1.0';
  return `${base}-run.${runId.toLowerCase().replace(/[^0-9a-z-]/g, '')}`;
}
