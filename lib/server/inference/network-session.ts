import 'server-only';
import * as ort from 'onnxruntime-node';
import type { ModelCard } from '@/lib/schemas/model-card';
import { AppError } from '@/lib/server/errors';
import { createThreadedSession } from './ort-thread/client';

/**
 * The network of one ONNX file, run either on the calling (main) thread or in its own worker thread
 * (ort-thread/client.ts). Same file, same options, same kernels: the outputs are bit-identical; the thread only
 * decides whether the main thread is blocked while the network runs.
 */
export interface NetworkSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  /** resolves to the named outputs' data, in `outputNames` order */
  run(inputName: string, input: Float32Array, dims: number[], outputNames: string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export type NetworkPlacement = 'thread' | 'main';

/**
 * One option set for every session, so that a threaded and an in-process session (the benchmark's bare baseline)
 * run the same kernels. Idle intra-op threads sleep instead of spinning: workers share their cores (other workers,
 * the web server, training), and on 2 shared cores spinning made the same runs ~35% slower (bench/inference.ts).
 */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

export async function createNetworkSession(
  onnxBytes: Uint8Array,
  card: ModelCard,
  threads: number,
  placement: NetworkPlacement,
): Promise<NetworkSession> {
  const s = placement === 'thread' ? await createThreadedSession(onnxBytes, sessionOptions(threads)) : await inProcess(onnxBytes, threads);
  const { inputName, logitsName, featuresName } = card.output;
  const missing: string[] = [
    ...[inputName].filter((n) => !s.inputNames.includes(n)),
    ...[logitsName, featuresName].filter((n) => n && !s.outputNames.includes(n)),
  ];
  if (missing.length) {
    await s.release();
    throw new AppError('INVALID_INPUT', `The ONNX model lacks the tensors the card names: ${missing.join(', ')}.`);
  }
  return s;
}

async function inProcess(onnxBytes: Uint8Array, threads: number): Promise<NetworkSession> {
  const s = await ort.InferenceSession.create(onnxBytes, sessionOptions(threads));
  return {
    inputNames: s.inputNames,
    outputNames: s.outputNames,
    async run(inputName, input, dims, outputNames) {
      const out = await s.run({ [inputName]: new ort.Tensor('float32', input, dims) }, outputNames);
      return outputNames.map((n) => out[n].data as Float32Array);
    },
    release: () => s.release(),
  };
}
