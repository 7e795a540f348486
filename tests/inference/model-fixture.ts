import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateCohort } from '@/lib/server/imaging/cohort';

/**
 * The model the parity test and the benchmark run: the committed production model when it is there, otherwise a
 * tiny model trained here with the trainer's `tiny` preset on one small synthetic case (~1 minute). The tiny model
 * is cached under the OS temp dir, keyed by a digest of the trainer's source, so reruns skip the training.
 */

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const PYTHON = path.join(REPO_ROOT, '.venv/bin/python');
export const TRAINING_SRC = path.join(REPO_ROOT, 'training/src');
export const PRODUCTION_MODEL = path.join(REPO_ROOT, 'models/tumorwatch-seg-1.0.0');
export const REAL_DIR = path.resolve(REPO_ROOT, '../shared/data/real');
export const REAL_CASES = ['TCGA-DU-7294', 'TCGA-FG-6692'] as const;

export const pythonAvailable = () => existsSync(PYTHON) && existsSync(path.join(TRAINING_SRC, 'tumorwatch_train'));

/** The four images of a real case in the card's channel order (T1N, T1C, T2W, T2F). */
export function realCaseImages(id: string): [string, string, string, string] {
  const dir = path.join(REAL_DIR, id, 'images');
  return ['t1', 't1c', 't2', 'flair'].map((n) => path.join(dir, `${n}.nii.gz`)) as [string, string, string, string];
}

export interface ModelFixture {
  dir: string;
  kind: 'production' | 'tiny' | 'explicit';
  /** the reference backend: the PyTorch checkpoint when the directory has one, else the same ONNX file */
  backend: 'torch' | 'onnx';
}

/** Runs `python -m tumorwatch_train ...`; returns the final JSON event of its stdout stream. */
export async function trainerCli(args: string[], timeoutMs = 600_000): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON, ['-m', 'tumorwatch_train', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PYTHONPATH: TRAINING_SRC },
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  }).catch((e: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`tumorwatch_train ${args[0]} failed: ${(e.stderr ?? '').slice(-2000) || e.message}`);
  });
  const lines = stdout.trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  if (last.type !== 'done') throw new Error(`tumorwatch_train ${args[0]}: ${JSON.stringify(last).slice(0, 500)}`);
  return last;
}

function trainerDigest(): string {
  const h = createHash('sha256');
  const dir = path.join(TRAINING_SRC, 'tumorwatch_train');
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.py'))
    .sort())
    h.update(f).update(readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
}

/** `explicitDir`: a model directory to use instead (benchmarks of a model not yet committed). */
export async function resolveModel(explicitDir?: string): Promise<ModelFixture> {
  const backend = (dir: string) => (existsSync(path.join(dir, 'checkpoint.pt')) ? 'torch' : 'onnx');
  if (explicitDir) return { dir: path.resolve(explicitDir), kind: 'explicit', backend: backend(explicitDir) };
  if (existsSync(path.join(PRODUCTION_MODEL, 'model-card.json')))
    return { dir: PRODUCTION_MODEL, kind: 'production', backend: backend(PRODUCTION_MODEL) };
  const root = path.join(os.tmpdir(), `tumorwatch-inference-tiny-${trainerDigest()}`);
  const out = path.join(root, 'model');
  if (!existsSync(path.join(out, 'model-card.json'))) await trainTiny(root);
  return { dir: out, kind: 'tiny', backend: backend(out) };
}

/**
 * One 120x120x78 case at 2 mm keeps the trainer's caching and reference statistics to seconds. Trained in a private
 * folder and renamed into place, so a test and a benchmark starting together never read a half-written model.
 */
async function trainTiny(root: string): Promise<void> {
  const work = `${root}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const cohort = path.join(work, 'cohort');
  await generateCohort({ domain: 'A', n: 1, seed: '5', out: cohort, grid: { dims: [120, 120, 78], spacing: [2, 2, 2] } });
  const manifest = path.join(work, 'manifest.json');
  await trainerCli(['manifest-from-cohort', '--cohort', cohort, '--out', manifest, '--no-sha']);
  await trainerCli([
    'train',
    '--manifest',
    manifest,
    '--out',
    path.join(work, 'model'),
    '--config',
    'tiny',
    '--version',
    '0.0.1',
    '--no-verify',
  ]);
  if (existsSync(path.join(root, 'model', 'model-card.json'))) await rm(work, { recursive: true, force: true });
  else {
    await rm(root, { recursive: true, force: true });
    await rename(work, root);
  }
}
