import 'server-only';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseModelCard, type ModelCard } from '@/lib/schemas/model-card';
import { env } from '@/lib/server/env';
import { AppError } from '@/lib/server/errors';
import { createNetworkSession, type NetworkPlacement, type NetworkSession } from './network-session';
import type { Predictor } from './sliding-window';

/**
 * One onnxruntime-node session per model version, keyed by the ONNX file's sha256 (and the thread count, fixed per
 * process by ORT_INTRA_OP_THREADS). Loading reads and checks the card; the session itself is created on first use.
 */

export interface LoadedModel {
  sha256: string;
  card: ModelCard;
  intraOpThreads: number;
  /** where the network runs (network-session.ts) */
  placement: NetworkPlacement;
  /** the shared session, created lazily (concurrent first callers share one creation) */
  session(): Promise<NetworkSession>;
  /** windows (n, C, ...patch) -> logits and features, through the cached session (the first ensemble member's) */
  predictor(): Promise<Predictor>;
  /** one predictor per ensemble member (card onnx.files), in the card's order; predictors()[0] is predictor() */
  predictors(): Promise<Predictor[]>;
  /** releases the session if one was created; a later use creates a new one */
  release(): Promise<void>;
}

/** A model directory, or the bytes of the first ONNX file, the card and (ensembles) the other members' bytes in order. */
export type ModelSource = string | { onnxBytes: Uint8Array; card: unknown; memberBytes?: Uint8Array[] };

export interface LoadModelOptions {
  /** overrides ORT_INTRA_OP_THREADS (benchmarks) */
  intraOpThreads?: number;
  /**
   * default INFERENCE_NETWORK. 'thread': the network runs in a worker thread, so the main thread blends windows and
   * serves other cases meanwhile; 'main': on the calling thread (the benchmark's bare baseline).
   */
  placement?: NetworkPlacement;
}

const cache = new Map<string, LoadedModel>();

export async function loadModel(source: ModelSource, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const { files, cardJson } = await readSource(source);
  const card = parseCard(cardJson);
  if (files.length !== card.onnx.files.length)
    throw new AppError(
      'INVALID_INPUT',
      `The model card names ${card.onnx.files.length} ONNX files (an ensemble); ${files.length} were given.`,
    );
  const shas = files.map((bytes, i) => {
    const sha = createHash('sha256').update(bytes).digest('hex');
    const want = card.onnx.files[i].sha256;
    if (sha !== want)
      throw new AppError(
        'INVALID_INPUT',
        `The ONNX file's sha256 (${sha.slice(0, 12)}…) differs from the model card's (${want.slice(0, 12)}…)${i ? ` for ensemble member ${card.onnx.files[i].file}` : ''}.`,
      );
    return sha;
  });
  checkPatchDivisor(card);
  const threads = opts.intraOpThreads ?? env().ORT_INTRA_OP_THREADS;
  const placement = opts.placement ?? env().INFERENCE_NETWORK;
  const key = `${shas.join('+')}/${threads}/${placement}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const model = createEntry(shas[0], card, files, threads, placement);
  cache.set(key, model);
  return model;
}

/** Releases every cached session (tests, model retirement); later loads create fresh ones. */
export async function releaseModels(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  await Promise.all(entries.map((m) => m.release()));
}

async function readSource(source: ModelSource): Promise<{ files: Uint8Array[]; cardJson: unknown }> {
  if (typeof source !== 'string') return { files: [source.onnxBytes, ...(source.memberBytes ?? [])], cardJson: source.card };
  const cardJson: unknown = JSON.parse(await readFile(path.join(source, 'model-card.json'), 'utf8'));
  const onnx = (cardJson as { onnx?: { file?: unknown; files?: { file?: unknown }[] } })?.onnx;
  // card 1 names one file; card 2 lists the ensemble's members (the first is onnx.file)
  const names = Array.isArray(onnx?.files) ? onnx.files.map((f) => f?.file) : [onnx?.file];
  if (!names.length || names.some((f) => typeof f !== 'string' || f.includes('/') || f.includes('\\')))
    throw new AppError('INVALID_INPUT', 'The model card names no ONNX file in its directory.');
  return { files: await Promise.all(names.map(async (f) => new Uint8Array(await readFile(path.join(source, f as string))))), cardJson };
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
    throw new AppError(
      'INVALID_INPUT',
      `The card's patch ${card.inference.patchSize.join('x')} is not divisible by ${divisor}, which the network needs.`,
    );
}

function createEntry(sha256: string, card: ModelCard, files: Uint8Array[], threads: number, placement: NetworkPlacement): LoadedModel {
  const pending: (Promise<NetworkSession> | null)[] = files.map(() => null);
  const sessionOf = (i: number) =>
    (pending[i] ??= createNetworkSession(files[i], card, threads, placement).catch((e) => {
      pending[i] = null; // a failed creation is retried by the next caller
      throw e;
    }));
  const predictorOf = async (i: number): Promise<Predictor> => {
    const s = await sessionOf(i);
    const { inputName, logitsName, featuresName } = card.output;
    const [p0, p1, p2] = card.inference.patchSize;
    const C = card.preprocessing.channels.length;
    const names = featuresName ? [logitsName, featuresName] : [logitsName];
    const none = new Float32Array(0);
    return async (windows, n) => {
      const [logits, features] = await s.run(inputName, windows, [n, C, p0, p1, p2], names);
      return { logits, features: features ?? none };
    };
  };
  const release = async () => {
    const all = pending.splice(0, pending.length, ...files.map(() => null));
    await Promise.all(
      all.map((p) =>
        p?.then(
          (s) => s.release(),
          () => undefined,
        ),
      ),
    );
  };
  return {
    sha256,
    card,
    intraOpThreads: threads,
    placement,
    session: () => sessionOf(0),
    predictor: () => predictorOf(0),
    predictors: () => Promise.all(files.map((_, i) => predictorOf(i))),
    release,
  };
}
