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
  /** the importer's own options, passed on as given (e.g. --folds 0 1, --weights model.pt, --channels ...) */
  extraArgs?: string[];
  /** ONNX export of a large network on a shared CPU takes minutes */
  timeoutMs?: number;
}

const TAIL_LINES = 40;

/**
 * Runs `python -m tumorwatch_train.importers <format> <source> --out <out> [--name N] [--version V]` in the training
 * environment (PyTorch, MONAI, nnU-Net and onnx live there, not in Node). The importer's stdout is JSON lines: a
 * refusal is exit 2 with `{"type": "error", "message", "field"}` naming the field (e.g. "plans.json
 * configurations.3d_fullres.normalization_schemes: ..."), shown as it is; exit 1 is a failure of the importer itself.
 */
export function runPythonImporter(run: ImporterRun): Promise<void> {
  const python = env().PYTHON.includes('/') ? path.resolve(env().PYTHON) : env().PYTHON;
  const args = ['-m', 'tumorwatch_train.importers', run.format, path.resolve(run.source), '--out', path.resolve(run.out)];
  if (run.name) args.push('--name', run.name);
  if (run.version) args.push('--version', run.version);
  if (run.extraArgs?.some((a) => /^--(out|name|version)(=|$)/.test(a)))
    throw new AppError('INVALID_INPUT', 'The importer options may not set --out, --name or --version (the import sets them).');
  args.push(...(run.extraArgs ?? []));
  const child = spawn(python, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ PYTHONPATH: path.resolve('training/src'), PYTHONUNBUFFERED: '1' }),
  });
  const stderr: string[] = [];
  let failure: ImporterError | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    // the importers' event stream: {"type": "error", "message", "field"} says why they stopped
    for (const line of chunk.toString('utf8').split('\n')) failure = errorEvent(line) ?? failure;
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
      const f: ImporterError = failure ?? { message: stderr.at(-1)?.replace(/^(refused|error):\s*/, '') ?? '', field: null };
      const message = f.message || `The ${run.format} importer exited with code ${code}.`;
      // exit 2: the input cannot be imported as it is (a refusal naming the field); anything else failed on our side
      if (code === REFUSED)
        reject(new AppError('INVALID_INPUT', message, f.field ? { fieldErrors: { [f.field]: [message] } } : fieldOf(message)));
      else reject(new AppError('INTERNAL', `The ${run.format} importer failed: ${message}`));
    });
  });
}

const REFUSED = 2;
interface ImporterError {
  message: string;
  field: string | null;
}

function errorEvent(line: string): ImporterError | null {
  if (!line.startsWith('{')) return null;
  try {
    const e = JSON.parse(line) as { type?: unknown; message?: unknown; field?: unknown };
    if (e.type !== 'error' || typeof e.message !== 'string') return null;
    return { message: e.message, field: typeof e.field === 'string' && e.field ? e.field : null };
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
