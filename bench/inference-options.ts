/**
 * onnxruntime session options, A/B against the production options (network-session.ts sessionOptions), on the
 * same windows in the same process: each variant gets its own in-process session; its figure is the fastest of
 * `rounds` passes over the windows, the rounds interleaved across variants. `npm run bench:inference -- --session-ab`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoadedModel } from '@/lib/server/inference';
import { sessionOptions } from '@/lib/server/inference/network-session';

type Options = ort.InferenceSession.SessionOptions;
const VARIANTS: Record<string, (o: Options) => Options> = {
  production: (o) => o,
  spinning: (o) => ({ ...o, extra: { session: { intra_op: { allow_spinning: '1' } } } }),
  noMemArena: (o) => ({ ...o, enableCpuMemArena: false }),
  noMemPattern: (o) => ({ ...o, enableMemPattern: false }),
  graphExtended: (o) => ({ ...o, graphOptimizationLevel: 'extended' }),
  graphBasic: (o) => ({ ...o, graphOptimizationLevel: 'basic' }),
};

/** ms per pass over the windows, per variant, and each variant's ratio to the production options. */
export async function sessionOptionsAB(
  modelDir: string,
  model: LoadedModel,
  windows: { data: Float32Array; dims: number[] }[],
  threads: number,
  rounds = 3,
): Promise<Record<string, number>> {
  const bytes = readFileSync(path.join(modelDir, model.card.onnx.file));
  const { inputName, logitsName, featuresName } = model.card.output;
  const names = featuresName ? [logitsName, featuresName] : [logitsName];
  const sessions = Object.fromEntries(
    await Promise.all(
      Object.entries(VARIANTS).map(async ([k, f]) => [k, await ort.InferenceSession.create(bytes, f(sessionOptions(threads)))] as const),
    ),
  );
  const best: Record<string, number> = {};
  for (let r = 0; r <= rounds; r++)
    for (const [k, s] of Object.entries(sessions)) {
      const t0 = performance.now();
      for (const w of windows) await s.run({ [inputName]: new ort.Tensor('float32', w.data, w.dims) }, names);
      const ms = performance.now() - t0;
      if (r > 0) best[k] = Math.min(best[k] ?? Infinity, ms); // round 0 warms every session up
    }
  await Promise.all(Object.values(sessions).map((s) => s.release()));
  const out: Record<string, number> = {};
  for (const [k, ms] of Object.entries(best)) {
    out[`sessionAB_${k}Ms`] = Math.round(ms * 10) / 10;
    out[`sessionAB_${k}Ratio`] = Math.round((ms / best.production) * 1000) / 1000;
  }
  return out;
}
