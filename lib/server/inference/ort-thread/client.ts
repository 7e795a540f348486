import 'server-only';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

/**
 * One onnxruntime session in its own worker thread (host.mjs). onnxruntime-node runs a session synchronously on the
 * calling thread; hosted here, the main thread keeps working while the network runs: the sliding window blends the
 * previous window, and the worker process reads, preprocesses and writes other cases (issue #27). The session is
 * the same file with the same options, so its outputs are bit-identical to an in-process session's.
 * Resolved from the working directory like the project's other runtime files (training/src): the Next.js server
 * bundle, tsx and Vitest all run from the repository root, and none of them bundles or transpiles this file.
 */
export const HOST_SCRIPT = path.resolve('lib/server/inference/ort-thread/host.mjs');

type Reply =
  | { type: 'ready'; inputNames: string[]; outputNames: string[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; outputs: Float32Array[] }
  | { type: 'error'; id: number; message: string }
  | { type: 'released' };

export interface ThreadedSession {
  inputNames: string[];
  outputNames: string[];
  /** runs one float32 input; resolves to the named outputs' data, in `outputNames` order */
  run(inputName: string, input: Float32Array, dims: number[], outputNames: string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export async function createThreadedSession(onnxBytes: Uint8Array, options: InferenceSession.SessionOptions): Promise<ThreadedSession> {
  const worker = new Worker(HOST_SCRIPT, { workerData: { onnxBytes, options } });
  const waiting = new Map<number, { resolve(v: Float32Array[]): void; reject(e: Error): void }>();
  let nextId = 0;
  let dead: Error | null = null;
  const failAll = (e: Error) => {
    dead = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  const names = await new Promise<{ inputNames: string[]; outputNames: string[] }>((resolve, reject) => {
    worker.on('message', (m: Reply) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'failed') reject(new Error(m.message));
      else if (m.type === 'result') settle(m.id)?.resolve(m.outputs);
      else if (m.type === 'error') settle(m.id)?.reject(new Error(m.message));
    });
    worker.on('error', (e) => (reject(e), failAll(e)));
    worker.on('exit', (code) => failAll(new Error(`the onnxruntime thread exited (code ${code})`)));
  }).catch(async (e: Error) => {
    await worker.terminate();
    throw e;
  });
  // a thread that is only waiting for work must not keep the process alive; one with a run in flight must
  worker.unref();
  function settle(id: number) {
    const w = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    return w;
  }
  return {
    ...names,
    run(inputName, input, dims, outputNames) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ type: 'run', id, input, dims, inputName, outputNames });
      });
    },
    /** frees the native session in its thread, then ends the thread (held referenced until it has ended) */
    async release() {
      if (dead) return;
      worker.ref();
      const released = new Promise<void>((resolve) => worker.on('message', (m: Reply) => m.type === 'released' && resolve()));
      worker.postMessage({ type: 'release' });
      await Promise.race([released, new Promise((r) => worker.once('exit', r))]);
      await worker.terminate();
    },
  };
}
