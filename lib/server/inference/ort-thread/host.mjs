// The onnxruntime session of one model file, hosted in a worker thread (ort-thread/client.ts starts it).
// onnxruntime-node's session.run is synchronous on the calling thread: run on the main thread, it blocks every
// other piece of work (blending the previous window, another case's preprocessing, database writes) for the whole
// network run. Here it blocks only this thread. Plain JavaScript with one bare import, so the same file loads
// under tsx, Vitest and the Next.js server bundle (which never bundles it: onnxruntime-node stays external).
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { onnxBytes, options } = workerData;
const ready = ort.InferenceSession.create(onnxBytes, options);

ready.then(
  (s) => parentPort.postMessage({ type: 'ready', inputNames: s.inputNames, outputNames: s.outputNames }),
  (e) => parentPort.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
);

parentPort.on('message', async (msg) => {
  if (msg.type === 'release') {
    await (await ready).release();
    parentPort.postMessage({ type: 'released' });
    return;
  }
  const { id, input, dims, inputName, outputNames } = msg;
  try {
    const s = await ready;
    const out = await s.run({ [inputName]: new ort.Tensor('float32', input, dims) }, outputNames);
    const outputs = outputNames.map((n) => out[n].data);
    // the outputs' buffers move to the caller instead of being copied
    parentPort.postMessage(
      { type: 'result', id, outputs },
      outputs.map((d) => d.buffer),
    );
  } catch (e) {
    parentPort.postMessage({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
  }
});
