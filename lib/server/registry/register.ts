import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { db, type Tx } from '../db';
import type { ModelVersion } from '../db/generated/client';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { modelCardSchema, type ModelCard } from '@/lib/schemas/model-card';
import { enqueueWaitingCases } from '../serving/jobs';

export interface RegisterModelInput {
  onnx: Uint8Array;
  card: unknown;
  stage?: 'CANDIDATE' | 'PRODUCTION';
  parentId?: string | null;
  trainingRunId?: string | null;
  snapshotId?: string | null;
}

/** The card validates, the file is the one it names (sha256), and onnxruntime-node loads it with the card's I/O names. */
export async function validateModelArtefacts(onnx: Uint8Array, rawCard: unknown): Promise<{ card: ModelCard; sha256: string }> {
  const parsed = modelCardSchema.safeParse(rawCard);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', `model card invalid at ${first.path.join('.')}: ${first.message}`);
  }
  const card = parsed.data; // a card 2 (card 1 upgraded: stored cards keep their behaviour)
  if (card.onnx.files.length > 1)
    throw new AppError(
      'INVALID_INPUT',
      `model card invalid at onnx.files: an ensemble of ${card.onnx.files.length} ONNX files cannot be registered (the registry stores one file per version)`,
    );
  const sha256 = crypto.createHash('sha256').update(onnx).digest('hex');
  if (sha256 !== card.onnx.sha256)
    throw new AppError(
      'INVALID_INPUT',
      `model.onnx sha256 ${sha256.slice(0, 12)}… differs from the card's ${card.onnx.sha256.slice(0, 12)}…`,
    );
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  } catch (e) {
    throw new AppError('INVALID_INPUT', `model.onnx does not load in onnxruntime: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
  try {
    const { inputName, logitsName, featuresName } = card.output;
    if (!session.inputNames.includes(inputName))
      throw new AppError('INVALID_INPUT', `model.onnx has no input "${inputName}" (has ${session.inputNames.join(', ')})`);
    for (const out of featuresName ? [logitsName, featuresName] : [logitsName]) {
      if (!session.outputNames.includes(out))
        throw new AppError('INVALID_INPUT', `model.onnx has no output "${out}" (has ${session.outputNames.join(', ')})`);
    }
  } finally {
    await session.release();
  }
  return { card, sha256 };
}

/** Registers a validated model version; the ONNX blob is stored before the row that points at it. */
export async function registerModelVersion(actor: Actor, input: RegisterModelInput) {
  const prepared = await prepareModelVersion(input);
  if ('existing' in prepared) return prepared.existing;
  return db().$transaction((tx) => insertModelVersion(tx, actor, input, prepared));
}

export type PreparedModelVersion = { existing: ModelVersion } | { card: ModelCard; sha256: string; blobKey: string };

/**
 * The slow part of a registration, outside any transaction: validation (onnxruntime loads the file) and the ONNX
 * blob. The same name@version with the same file is the existing row (idempotent); with another file, a conflict.
 */
export async function prepareModelVersion(input: RegisterModelInput): Promise<PreparedModelVersion> {
  const { card, sha256 } = await validateModelArtefacts(input.onnx, input.card);
  const existing = await db().modelVersion.findUnique({ where: { name_version: { name: card.name, version: card.version } } });
  if (existing) {
    if (existing.sha256 === sha256) return { existing };
    throw new AppError('CONFLICT', `${card.name}@${card.version} is already registered with a different file.`);
  }
  const put = await blobs().put(input.onnx, { contentType: 'application/octet-stream' });
  return { card, sha256, blobKey: put.key };
}

/** The registry row and its audit event, inside the caller's transaction (a training run commits it with its own end). */
export async function insertModelVersion(
  tx: Tx,
  actor: Actor,
  input: RegisterModelInput,
  { card, sha256, blobKey }: { card: ModelCard; sha256: string; blobKey: string },
) {
  const mv = await tx.modelVersion.create({
    data: {
      name: card.name,
      version: card.version,
      blobKey,
      sha256,
      card: card as object,
      stage: input.stage ?? 'CANDIDATE',
      parentId: input.parentId ?? null,
      trainingRunId: input.trainingRunId ?? null,
      snapshotId: input.snapshotId ?? null,
      codeVersion: card.training.codeVersion.gitCommit ?? card.training.codeVersion.sourceSha256,
    },
  });
  const waitingCases = mv.stage === 'PRODUCTION' ? await enqueueWaitingCases(tx, mv.id) : 0;
  await recordAudit(tx, {
    actor,
    action: AUDIT.modelRegister,
    entityId: mv.id,
    data: { name: mv.name, version: mv.version, stage: mv.stage, sha256, waitingCases },
  });
  return mv;
}

export async function readModelDir(dir: string): Promise<{ onnx: Uint8Array; card: unknown }> {
  const [onnx, card] = await Promise.all([
    fs.readFile(path.join(dir, 'model.onnx')),
    fs.readFile(path.join(dir, 'model-card.json'), 'utf8'),
  ]);
  return { onnx: new Uint8Array(onnx), card: JSON.parse(card) };
}
