import 'server-only';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModelCard, type ModelCard } from '@/lib/schemas/model-card';
import { env } from '@/lib/server/env';
import { AppError } from '@/lib/server/errors';
import type { Predictor } from './sliding-window';

/**
 * One onnxruntime-node session per model version, keyed by the ONNX file's sha256 (and the thread count, fixed per
 * process by ORT_INTRA_OP_THREADS). Loading reads and checks the card; the session itself is created on first use.
 */

export interface LoadedModel {
  sha256: string;
  card: ModelCard;
  intraOpThreads: number;
  /** the shared session, created lazily (concurrent first callers share one creation) */
  session(): Promise<ort.InferenceSession>;
  /** windows (n, C, ...patch) -> logits and features, through the cached session */
  predictor(): Promise<Predictor>;
  /** releases the session if one was created; a later use creates a new one */
  release(): Promise<void>;
}

export type ModelSource = string | { onnxBytes: Uint8Array; card: unknown };

export interface LoadModelOptions {
  /** overrides ORT_INTRA_OP_THREADS (benchmarks) */
  intraOpThreads?: number;
}

const cache = new Map<string, LoadedModel>();

export async function loadModel(source: ModelSource, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const { onnxBytes, cardJson } = await readSource(source);
  const card = parseCard(cardJson);
  const sha256 = createHash('sha256').update(onnxBytes).digest('hex');
  if (sha256 !== card.onnx.sha256)
    throw new AppError('INVALID_INPUT', `The ONNX file's sha256 (${sha256.slice(0, 12)}…) differs from the model card's (${card.onnx.sha256.slice(0, 12)}…).`);
  checkPatchDivisor(card);
  const threads = opts.intraOpThreads ?? env().ORT_INTRA_OP_THREADS;
  const key = `${sha256}/${threads}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const model = createEntry(sha256, card, onnxBytes, threads);
  cache.set(key, model);
  return model;
}

/** Releases every cached session (tests, model retirement); later loads create fresh ones. */
export async function releaseModels(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  await Promise.all(entries.map((m) => m.release()));
}

async function readSource(source: ModelSource): Promise<{ onnxBytes: Uint8Array; cardJson: unknown }> {
  if (typeof source !== 'string') return { onnxBytes: source.onnxBytes, cardJson: source.card };
  const cardJson: unknown = JSON.parse(await readFile(path.join(source, 'model-card.json'), 'utf8'));
  const file = (cardJson as { onnx?: { file?: unknown } })?.onnx?.file;
  if (typeof file !== 'string' || file.includes('/') || file.includes('\\'))
    throw new AppError('INVALID_INPUT', 'The model card names no ONNX file in its directory.');
  return { onnxBytes: new Uint8Array(await readFile(path.join(source, file))), cardJson };
}

function parseCard(json: unknown): ModelCard {
  try {
    return parseModelCard(json);
  } catch (e) {
    throw new AppError('INVALID_INPUT', `The model card is invalid: ${(e as Error).message.slice(0, 500)}`);
  }
}

/** Windows are always patch-sized; each stride-2 stage of the network needs the patch to halve cleanly. */
function checkPatchDivisor(card: ModelCard): void {
  const blocks = card.architecture.kwargs.blocks_down;
  if (!Array.isArray(blocks)) return;
  const divisor = 2 ** (blocks.length - 1);
  if (card.inference.patchSize.some((p) => p % divisor !== 0))
    throw new AppError('INVALID_INPUT', `The card's patch ${card.inference.patchSize.join('x')} is not divisible by ${divisor}, which the network needs.`);
}

function createEntry(sha256: string, card: ModelCard, onnxBytes: Uint8Array, threads: number): LoadedModel {
  let pending: Promise<ort.InferenceSession> | null = null;
  const session = () =>
    (pending ??= createSession(onnxBytes, card, threads).catch((e) => {
      pending = null; // a failed creation is retried by the next caller
      throw e;
    }));
  const predictor = async (): Promise<Predictor> => {
    const s = await session();
    const { inputName, logitsName, featuresName } = card.output;
    const [p0, p1, p2] = card.inference.patchSize;
    const C = card.preprocessing.channels.length;
    return async (windows, n) => {
      const feeds = { [inputName]: new ort.Tensor('float32', windows, [n, C, p0, p1, p2]) };
      const out = await s.run(feeds, [logitsName, featuresName]);
      return { logits: out[logitsName].data as Float32Array, features: out[featuresName].data as Float32Array };
    };
  };
  const release = async () => {
    const p = pending;
    pending = null;
    if (p) await p.then((s) => s.release(), () => undefined);
  };
  return { sha256, card, intraOpThreads: threads, session, predictor, release };
}

async function createSession(onnxBytes: Uint8Array, card: ModelCard, threads: number): Promise<ort.InferenceSession> {
  const s = await ort.InferenceSession.create(onnxBytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Idle intra-op threads sleep instead of spinning: workers share their cores (other workers, the web server,
    // training), and on 2 shared cores spinning made the same runs ~35% slower (bench/inference.ts, tiny model).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const { inputName, logitsName, featuresName } = card.output;
  const missing: string[] = [
    ...[inputName].filter((n) => !s.inputNames.includes(n)),
    ...[logitsName, featuresName].filter((n) => !s.outputNames.includes(n)),
  ];
  if (missing.length) {
    await s.release();
    throw new AppError('INVALID_INPUT', `The ONNX model lacks the tensors the card names: ${missing.join(', ')}.`);
  }
  return s;
}
