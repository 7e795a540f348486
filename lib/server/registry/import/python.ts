import 'server-only';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppError } from '../../errors';
import { childEnv, env } from '../../env';

/** The Python importers (training/src/tumorwatch_train/importers) convert these formats; ONNX needs no conversion. */
export type ConvertedFormat = 'monai-bundle' | 'nnunet';

export interface ImporterRun {
  format: ConvertedFormat;
  /** a bundle folder or an nnU-Net trained-model folder (archives are unpacked before) */
  source: string;
  /** a folder that does not exist yet: the importer writes the ONNX member(s) and card.json there */
  out: string;
  name?: string;
  version?: string;
  /** ONNX export of a large network on a shared CPU takes minutes */
  timeoutMs?: number;
}

const TAIL_LINES = 40;

/**
 * Runs `python -m tumorwatch_train.importers <format> <source> --out <out> [--name N] [--version V]` in the training
 * environment (PyTorch, MONAI, nnU-Net and onnx live there, not in Node). A refusal is the importer's exit with its
 * message in an `{"type": "error"}` event on stdout, or else on the last line of stderr, naming the field
 * (e.g. "plans.json configurations.3d_fullres.normalization_schemes: ..."), shown as it is.
 */
export function runPythonImporter(run: ImporterRun): Promise<void> {
  const python = env().PYTHON.includes('/') ? path.resolve(env().PYTHON) : env().PYTHON;
  const args = ['-m', 'tumorwatch_train.importers', run.format, path.resolve(run.source), '--out', path.resolve(run.out)];
  if (run.name) args.push('--name', run.name);
  if (run.version) args.push('--version', run.version);
  const child = spawn(python, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ PYTHONPATH: path.resolve('training/src'), PYTHONUNBUFFERED: '1' }),
  });
  const stderr: string[] = [];
  let refused: string | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    // the importers' event stream: {"type": "error", "message": ...} says why they refused
    for (const line of chunk.toString('utf8').split('\n')) refused = errorEvent(line) ?? refused;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim()),
    );
    stderr.splice(0, Math.max(0, stderr.length - TAIL_LINES));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutMs ?? 30 * 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new AppError('UNAVAILABLE', `The ${run.format} importer could not start (${python}): ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      if (signal) return reject(new AppError('UNAVAILABLE', `The ${run.format} importer was stopped (${signal}).`));
      const last = refused ?? stderr.at(-1)?.replace(/^(refused|error|[\w.]*Error):\s*/, '') ?? '';
      reject(new AppError('INVALID_INPUT', last || `The ${run.format} importer exited with code ${code}.`, fieldOf(last)));
    });
  });
}

function errorEvent(line: string): string | null {
  if (!line.startsWith('{')) return null;
  try {
    const e = JSON.parse(line) as { type?: unknown; message?: unknown };
    return e.type === 'error' && typeof e.message === 'string' ? e.message : null;
  } catch {
    return null;
  }
}

/**
 * The field a refusal names, for the form to point at: "model card field a.b.0: ...", "plans.json
 * configurations.3d_fullres.normalization_schemes: ..." (a source file and its JSON path) or "--channels: ...".
 */
export function fieldOf(message: string): { fieldErrors?: Record<string, string[]> } {
  const m =
    /\bfield ([\w.[\]-]+):\s*(.*)$/.exec(message) ??
    /^([\w.-]+\.json [\w.[\]-]+):\s*(.*)$/.exec(message) ??
    /^(--[\w-]+):\s*(.*)$/.exec(message);
  return m ? { fieldErrors: { [m[1]]: [m[2]] } } : {};
}
