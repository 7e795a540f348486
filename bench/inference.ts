/**
 * Inference benchmark on a real case, all baselines measured in this run:
 *   1. the TypeScript pipeline (segment: preprocess, sliding window over onnxruntime-node, postprocess, summary);
 *   2. bare session.run over the same windows of the same preprocessed tensor (the floor the pipeline adds to);
 *   3. the PyTorch model through MONAI's sliding_window_inference with the trainer's pre/postprocessing
 *      (bench/inference_torch.py).
 * Targets: pipeline / bare <= 1.15, pipeline / PyTorch <= 1.0 (issue #27) (bare / PyTorch is printed too: no pipeline can beat it). The three are measured in --repeat interleaved rounds
 * after a warm-up and each figure is its fastest round (on a shared machine the minimum is the least noisy estimate).
 * Both sides use the same thread count; PyTorch is timed with MONAI's sw_batch_size 1 (the trainer's) and 4 and
 * its faster setting is the baseline. Writes bench/results/inference.json.
 *
 *   npx tsx --conditions=react-server bench/inference.ts [--case TCGA-DU-7294] [--repeat 3] [--threads 2] [--batches 1,2,4]
 *     [--model <dir>]   (default: models/tumorwatch-seg-1.0.0 when committed, else the tiny test model)
 *   npm run bench:inference -- --session-ab   also onnxruntime session options A/B (bench/inference-options.ts)
 *   npm run bench:inference -- --cases N   one worker's cases/hour and stage p50/p95 (bench/inference-throughput.ts)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import { loadModel, releaseModels, segment, type LoadedModel } from '@/lib/server/inference';
import { windowBatchFor } from '@/lib/server/inference/pipeline';
import type { Vec3 } from '@/lib/server/inference/geometry';
import { preprocess } from '@/lib/server/inference/preprocess';
import { gatherWindow } from '@/lib/server/inference/sliding-window';
import { padAmounts, padVolume, windowGrid } from '@/lib/server/inference/windows';
import { sessionOptionsAB } from './inference-options';
import { PYTHON, REPO_ROOT, TRAINING_SRC, realCaseImages, resolveModel } from '../tests/inference/model-fixture';

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: 'TCGA-DU-7294' },
    repeat: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    batches: { type: 'string', default: '' },
    model: { type: 'string' },
    cases: { type: 'string' },
    'session-ab': { type: 'boolean', default: false },
  },
});
const repeat = Math.max(1, Number(values.repeat));
const threads = Number(values.threads);
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

type WindowInput = { data: Float32Array; dims: number[] };

/** The windows of the preprocessed case as ready-made inputs, `batch` windows each. */
function windowTensors(model: LoadedModel, x: Float32Array, shape: Vec3, batch: number): WindowInput[] {
  const { card } = model;
  const patch = card.inference.patchSize as Vec3;
  const C = card.preprocessing.channels.length;
  const padded = padVolume(x, C, shape, padAmounts(shape, patch));
  const starts = windowGrid(padded.shape, patch, card.inference.overlap);
  const pv = patch[0] * patch[1] * patch[2];
  const tensors: WindowInput[] = [];
  for (let i = 0; i < starts.length; i += batch) {
    const group = starts.slice(i, i + batch);
    const data = new Float32Array(group.length * C * pv);
    group.forEach((s, b) => gatherWindow(padded.data, C, padded.shape, s, patch, data, b * C * pv));
    tensors.push({ data, dims: [group.length, C, ...patch] });
  }
  return tensors;
}

/** The floor: the same session options, on the main thread, the windows run one after another and nothing else. */
async function bareRunMs(model: LoadedModel, tensors: WindowInput[]): Promise<number> {
  const s = await model.session();
  const { inputName, logitsName, featuresName } = model.card.output;
  const names = featuresName ? [logitsName, featuresName] : [logitsName];
  const t0 = performance.now();
  for (const t of tensors) await s.run(inputName, t.data, t.dims, names);
  return performance.now() - t0;
}

type TorchRun = { totalMs: number; preprocessMs: number; inferenceMs: number; postprocessMs: number; swBatch: number } & Record<
  string,
  number
>;

/** One call of the Python driver: one run per MONAI sw_batch_size in `batches`; the fastest is returned. */
async function torchRun(fixture: { dir: string; backend: string }, images: string[], batches: number[]): Promise<TorchRun> {
  const { stdout } = await promisify(execFile)(
    PYTHON,
    [
      path.join(REPO_ROOT, 'bench/inference_torch.py'),
      '--model',
      fixture.dir,
      '--case',
      ...images,
      '--repeat',
      '1',
      '--threads',
      String(threads),
      '--backend',
      fixture.backend,
      '--sw-batches',
      batches.join(','),
    ],
    { env: { ...process.env, PYTHONPATH: TRAINING_SRC }, timeout: 1_800_000, maxBuffer: 16 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as TorchRun;
}

const fastest = <T>(runs: T[], key: (r: T) => number) => runs.reduce((a, b) => (key(b) < key(a) ? b : a));

async function main() {
  // --cases N: the worker's throughput instead (bench/inference-throughput.ts), merged into the same results file
  if (values.cases) {
    const { throughputBench } = await import('./inference-throughput');
    return throughputBench(Number(values.cases), path.join(REPO_ROOT, 'bench/results/inference.json'));
  }
  const fixture = await resolveModel(values.model);
  const images = realCaseImages(values.case);
  // the production default (network on the main thread) gives the headline figures and the bare baseline's session
  const model = await loadModel(fixture.dir, { intraOpThreads: threads, placement: 'main' });
  // A/B in this process: the pipeline with its network in its own thread
  const onThread = await loadModel(fixture.dir, { intraOpThreads: threads, placement: 'thread' });
  const t0 = performance.now();
  const [T1N, T1C, T2W, T2F] = await Promise.all(images.map((p) => readNiftiFile(p)));
  const readMs = performance.now() - t0;
  const volumes = { T1N, T1C, T2W, T2F };
  const batch = windowBatchFor(model.card);
  // the trainer's setting (the card's windowBatch) and ours, whichever torch runs faster
  const torchBatches = [...new Set([model.card.inference.windowBatch, batch, 4])].sort((a, b) => a - b);
  const { x, geometry } = preprocess(volumes, model.card);
  const tensors = windowTensors(model, x, geometry.resampledShape, batch);

  // Rounds interleave the three measurements so that a burst of load from other processes hits all of them alike;
  // each figure is the fastest of its rounds. The Python driver times two runs per call (its first pays lazy init).
  await segment({ model, volumes }); // warm-up: session creation, JIT
  await segment({ model: onThread, volumes });
  // CPU time of this process (onnxruntime's threads included; they sleep rather than spin) is far less sensitive to
  // other processes' load than wall time, so the overhead is also reported as a ratio of CPU times.
  const cpuMs = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const c = process.cpuUsage();
    const r = await f();
    const u = process.cpuUsage(c);
    return [r, (u.user + u.system) / 1000];
  };
  const pipes: Awaited<ReturnType<typeof segment>>[] = [];
  const threadPipes: number[] = [];
  const bares: number[] = [];
  const cpu = { pipe: Infinity, bare: Infinity };
  const torches: TorchRun[] = [];
  for (let r = 0; r < repeat; r++) {
    const [p, pc] = await cpuMs(() => segment({ model, volumes }));
    const [b, bc] = await cpuMs(() => bareRunMs(model, tensors));
    threadPipes.push((await segment({ model: onThread, volumes })).timingsMs.total);
    pipes.push(p);
    bares.push(b);
    cpu.pipe = Math.min(cpu.pipe, pc);
    cpu.bare = Math.min(cpu.bare, bc);
    torches.push(await torchRun(fixture, images, torchBatches));
    console.log(
      `round ${r + 1}/${repeat}: pipeline ${round(p.timingsMs.total)} ms (cpu ${round(pc)}), network thread ${round(threadPipes[r])} ms, bare ${round(b)} ms (cpu ${round(bc)}), PyTorch ${round(torches[r].totalMs)} ms`,
    );
  }
  const pipe = fastest(pipes, (p) => p.timingsMs.total);
  const bare = Math.min(...bares);
  const torch = fastest(torches, (t) => t.totalMs);
  const extraBatches: Record<string, number> = {};
  for (const b of values.batches.split(',').filter(Boolean).map(Number)) {
    const ts = windowTensors(model, x, geometry.resampledShape, b);
    await bareRunMs(model, ts);
    extraBatches[`bareSessionRunMsBatch${b}`] = round(Math.min(await bareRunMs(model, ts), await bareRunMs(model, ts)));
  }
  const sessionAB = values['session-ab'] ? await sessionOptionsAB(fixture.dir, model, tensors, threads) : {};
  await releaseModels();

  const t = pipe.timingsMs;
  const result = {
    case: values.case,
    model: `${model.card.name} ${model.card.version}`,
    modelSha256: model.sha256.slice(0, 12),
    modelKind: fixture.kind,
    baselineBackend: fixture.backend,
    patch: model.card.inference.patchSize.join('x'),
    windows: pipe.geometry.windows,
    windowBatch: batch,
    threads,
    cpus: os.cpus().length,
    loadAvg1m: round(os.loadavg()[0], 2),
    repeat,
    readNiftiMs: round(readMs),
    tsPreprocessMs: round(t.preprocess),
    tsInferenceMs: round(t.inference),
    tsSessionRunInPipelineMs: round(t.sessionRun),
    tsPostprocessMs: round(t.postprocess),
    tsTotalMs: round(t.total),
    tsTotalMsNetworkThread: round(Math.min(...threadPipes)),
    bareSessionRunMs: round(bare),
    ...extraBatches,
    torchPreprocessMs: round(torch.preprocessMs),
    torchInferenceMs: round(torch.inferenceMs),
    torchPostprocessMs: round(torch.postprocessMs),
    torchTotalMs: round(torch.totalMs),
    torchSwBatch: torch.swBatch,
    ...Object.fromEntries(torchBatches.map((b) => [`torchTotalMsSwBatch${b}`, round(Math.min(...torches.map((r) => r[`swBatch${b}`])))])),
    overheadRatio: round(t.total / bare, 3),
    overheadTarget: 1.15,
    overheadRatioNetworkThread: round(Math.min(...threadPipes) / bare, 3),
    tsPipelineCpuMs: round(cpu.pipe),
    bareSessionRunCpuMs: round(cpu.bare),
    overheadRatioCpu: round(cpu.pipe / cpu.bare, 3),
    tsVsTorchRatio: round(t.total / torch.totalMs, 3),
    tsVsTorchTarget: 1.0,
    // the floor of tsVsTorchRatio: onnxruntime's kernels alone, with no pipeline around them, against the whole of
    // PyTorch's pipeline and against its network time alone
    bareVsTorchRatio: round(bare / torch.totalMs, 3),
    bareVsTorchInferenceRatio: round(bare / torch.inferenceMs, 3),
    casesPerHourPipeline: round(3_600_000 / t.total, 0),
    casesPerHourWithRead: round(3_600_000 / (t.total + readMs), 0),
    ...sessionAB,
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 0),
  };
  console.log(
    `case ${result.case}, ${result.model} (${result.modelKind}), ${result.windows} windows of ${result.patch}, ${threads} threads, load ${result.loadAvg1m} on ${result.cpus} CPUs`,
  );
  console.log(
    `TypeScript pipeline ${result.tsTotalMs} ms (preprocess ${result.tsPreprocessMs}, inference ${result.tsInferenceMs} of which session.run ${result.tsSessionRunInPipelineMs}, postprocess ${result.tsPostprocessMs})`,
  );
  console.log(
    `with the network thread (INFERENCE_NETWORK=thread) ${result.tsTotalMsNetworkThread} ms -> overhead ratio ${result.overheadRatioNetworkThread}`,
  );
  console.log(
    `bare session.run    ${result.bareSessionRunMs} ms   -> overhead ratio ${result.overheadRatio} (target <= 1.15); in CPU time ${result.tsPipelineCpuMs} / ${result.bareSessionRunCpuMs} ms = ${result.overheadRatioCpu}`,
  );
  console.log(
    `PyTorch + MONAI     ${result.torchTotalMs} ms (sw_batch_size ${result.torchSwBatch}; preprocess ${result.torchPreprocessMs}, inference ${result.torchInferenceMs}, postprocess ${result.torchPostprocessMs})   -> TS / PyTorch ${result.tsVsTorchRatio} (target <= 1.0)`,
  );
  console.log(
    `onnxruntime alone   bare session.run / PyTorch ${result.bareVsTorchRatio} (its network time alone: ${result.bareVsTorchInferenceRatio}): the floor of TS / PyTorch`,
  );
  console.log(
    `one worker: ${result.casesPerHourPipeline} cases/hour (pipeline), ${result.casesPerHourWithRead} with NIfTI decoding (${result.readNiftiMs} ms)`,
  );
  if (Object.keys(sessionAB).length) console.log('session options A/B (bare session.run):', JSON.stringify(sessionAB));
  if (Object.keys(extraBatches).length) console.log('bare session.run by batch:', JSON.stringify(extraBatches));
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/inference.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
