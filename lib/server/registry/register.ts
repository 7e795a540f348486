import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import { db, type Tx } from '../db';
import type { ModelVersion } from '../db/generated/client';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { modelCardSchema, type ModelCard } from '@/lib/schemas/model-card';
import { enqueueWaitingCases } from '../serving/jobs';
import { checkGraphsAgainstCard } from './import/graph';

export interface RegisterModelInput {
  /** the first (or only) ONNX file: the card's onnx.file */
  onnx: Uint8Array;
  /** an ensemble's other members, in the card's onnx.files order after the first */
  members?: Uint8Array[];
  card: unknown;
  stage?: 'CANDIDATE' | 'PRODUCTION';
  parentId?: string | null;
  trainingRunId?: string | null;
  snapshotId?: string | null;
  /** how a model from outside the trainer arrived (the audit event records it) */
  origin?: { format: 'monai-bundle' | 'nnunet' | 'onnx'; via: 'cli' | 'upload' | 'mlflow' };
}

export interface StoredMember {
  file: string;
  sha256: string;
  blobKey: string;
}

/**
 * The card validates (schema, cross-field rules) and agrees with every ONNX member's graph (import/graph.ts: sha256,
 * tensor names, channel counts, feature width, patch, one signature across an ensemble).
 */
export async function validateModelArtefacts(files: Uint8Array[], rawCard: unknown): Promise<ModelCard> {
  const parsed = modelCardSchema.safeParse(rawCard);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first.path.join('.');
    throw new AppError('INVALID_INPUT', `model card field ${field}: ${first.message}`, {
      fieldErrors: { [field]: [first.message] },
    });
  }
  const card = parsed.data; // a card 2 (card 1 upgraded: stored cards keep their behaviour)
  await checkGraphsAgainstCard(card, files);
  return card;
}

/** Registers a validated model version; every ONNX member's blob is stored before the row that points at them. */
export async function registerModelVersion(actor: Actor, input: RegisterModelInput) {
  const prepared = await prepareModelVersion(input);
  if ('existing' in prepared) return prepared.existing;
  return db().$transaction((tx) => insertModelVersion(tx, actor, input, prepared));
}

export type PreparedModelVersion = { existing: ModelVersion } | { card: ModelCard; members: StoredMember[] };

/**
 * The slow part of a registration, outside any transaction: validation (onnxruntime loads every member) and the ONNX
 * blobs. The same name@version with the same files (every member's sha256, in order) is the existing row
 * (idempotent); with other files, a conflict.
 */
export async function prepareModelVersion(input: RegisterModelInput): Promise<PreparedModelVersion> {
  const files = [input.onnx, ...(input.members ?? [])];
  const card = await validateModelArtefacts(files, input.card);
  const shas = card.onnx.files.map((f) => f.sha256);
  const existing = await db().modelVersion.findUnique({
    where: { name_version: { name: card.name, version: card.version } },
    include: { files: { orderBy: { ordinal: 'asc' } } },
  });
  if (existing) {
    const stored = existing.files.map((f) => f.sha256);
    if (stored.join() === shas.join()) return { existing };
    throw new AppError(
      'CONFLICT',
      `${card.name}@${card.version} is already registered with different ONNX files (${stored.length} stored, sha256 ${stored.map((s) => s.slice(0, 12)).join(', ')}).`,
    );
  }
  const members: StoredMember[] = [];
  for (const [i, bytes] of files.entries()) {
    const put = await blobs().put(bytes, { contentType: 'application/octet-stream' });
    members.push({ file: card.onnx.files[i].file, sha256: put.sha256, blobKey: put.key });
  }
  return { card, members };
}

/** The registry row, its member rows and its audit event, inside the caller's transaction (a training run commits it with its own end). */
export async function insertModelVersion(
  tx: Tx,
  actor: Actor,
  input: RegisterModelInput,
  { card, members }: { card: ModelCard; members: StoredMember[] },
) {
  const mv = await tx.modelVersion.create({
    data: {
      name: card.name,
      version: card.version,
      // the first member, as before ensembles: the card's onnx.file / onnx.sha256
      blobKey: members[0].blobKey,
      sha256: members[0].sha256,
      card: card as object,
      stage: input.stage ?? 'CANDIDATE',
      parentId: input.parentId ?? null,
      trainingRunId: input.trainingRunId ?? null,
      snapshotId: input.snapshotId ?? null,
      codeVersion: card.training.codeVersion.gitCommit ?? card.training.codeVersion.sourceSha256,
      files: { create: members.map((m, ordinal) => ({ ordinal, ...m })) },
    },
  });
  const waitingCases = mv.stage === 'PRODUCTION' ? await enqueueWaitingCases(tx, mv.id) : 0;
  await recordAudit(tx, {
    actor,
    action: AUDIT.modelRegister,
    entityId: mv.id,
    data: {
      name: mv.name,
      version: mv.version,
      stage: mv.stage,
      sha256: mv.sha256,
      waitingCases,
      members: members.map((m) => ({ file: m.file, sha256: m.sha256 })),
      ...(input.origin ? { origin: input.origin } : {}),
    },
  });
  return mv;
}

export interface ModelDir {
  onnx: Uint8Array;
  members: Uint8Array[];
  card: unknown;
}

/** The card file a model directory holds: the trainer writes model-card.json, the importers card.json. */
export const CARD_FILES = ['model-card.json', 'card.json'] as const;

/**
 * A model directory: its card and every ONNX file the card names (an ensemble's members in the card's order).
 * `cardDir`: where the card is when it is not beside the ONNX files (a hand-written card).
 */
export async function readModelDir(dir: string, cardDir = dir): Promise<ModelDir> {
  const card = await readCardFile(cardDir);
  const onnx = (card as { onnx?: { file?: unknown; files?: { file?: unknown }[] } } | null)?.onnx;
  const names = Array.isArray(onnx?.files) ? onnx.files.map((f) => f?.file) : [onnx?.file];
  if (!names.length || names.some((f) => typeof f !== 'string' || f !== path.basename(f)))
    throw new AppError('INVALID_INPUT', 'model card field onnx.files: names no ONNX file in the model directory', {
      fieldErrors: { 'onnx.files': ['names no ONNX file in the model directory'] },
    });
  const files = await Promise.all(
    (names as string[]).map(async (f) => {
      try {
        return new Uint8Array(await fs.readFile(path.join(dir, f)));
      } catch {
        throw new AppError('INVALID_INPUT', `model card field onnx.files: ${f} is not in ${dir}`, {
          fieldErrors: { 'onnx.files': [`${f} is missing`] },
        });
      }
    }),
  );
  return { onnx: files[0], members: files.slice(1), card };
}

async function readCardFile(dir: string): Promise<unknown> {
  for (const name of CARD_FILES) {
    let text: string;
    try {
      text = await fs.readFile(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new AppError('INVALID_INPUT', `${name} is not valid JSON: ${(e as Error).message}`);
    }
  }
  throw new AppError('INVALID_INPUT', `${dir} holds no model card (${CARD_FILES.join(' or ')}).`);
}
