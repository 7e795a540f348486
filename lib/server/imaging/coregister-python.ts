import 'server-only';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { childEnv, env } from '../env';
import { AppError } from '../errors';

/**
 * Runs `python -m tumorwatch_train.dicom <command>` (co-registration, DICOM SEG) and returns its one JSON document.
 * Exit 2 is the tool's "your input is unusable" (its message becomes a 422); any other failure is the server's.
 */
export async function runDicomTool<T>(args: string[], opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
  const python = env().PYTHON.includes('/') ? path.resolve(env().PYTHON) : env().PYTHON;
  const child = spawn(python, ['-m', 'tumorwatch_train.dicom', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ PYTHONPATH: path.resolve('training/src'), OMP_NUM_THREADS: '1' }),
    signal: opts.signal,
    timeout: opts.timeoutMs ?? 10 * 60_000,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`could not run ${python} -m tumorwatch_train.dicom ${args[0]}: ${e.message}`)));
    child.once('close', (c) => resolve(c));
  });
  const stderr = Buffer.concat(err).toString('utf8').trim();
  if (code === 2) throw new AppError('INVALID_INPUT', stderr.replace(/^error: /, '') || `${args[0]}: unusable input`, { status: 422 });
  if (code !== 0) throw new Error(`tumorwatch_train.dicom ${args[0]} exited with ${code}: ${stderr.split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(Buffer.concat(out).toString('utf8')) as T;
}
