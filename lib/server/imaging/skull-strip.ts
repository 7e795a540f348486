import 'server-only';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { env } from '../env';
import { AppError } from '../errors';
import { isGzip } from './gzip';
import { ALREADY_STRIPPED_NOTE } from './already-stripped';

/**
 * Skull-stripping, a pluggable ingestion step: the hospital's own tool (HD-BET, SynthStrip, FSL BET...) named by
 * SKULL_STRIP_COMMAND, a JSON argv with {in} and {out}, run on every sequence before it is stored. Spawned without a
 * shell (a file name never becomes shell syntax), in a private temporary folder, with a timeout. A run that fails or
 * writes nothing refuses the upload with the tool's own words: a case is never stored half stripped.
 */
export interface SkullStripStep {
  argv: string[];
  /** how the volume's note names the tool: its program's base name */
  name: string;
  timeoutMs: number;
}

/** The note stored in Volume.warnings of a stripped volume; strippedBy() reads it back. */
export const STRIPPED_NOTE = 'skull-stripped by ';

const INTERPRETER = /^(python[\d.]*|node|bash|sh|Rscript)$/;

export function skullStripStep(): SkullStripStep | null {
  const e = env();
  const raw = e.SKULL_STRIP_COMMAND?.trim();
  if (!raw) return null;
  const argv = JSON.parse(raw) as string[]; // env.ts validated it as an argv with {in} and {out}
  // an interpreter's script is the tool: ["python3","strip.py",...] is "strip.py", not "python3"
  const tool = INTERPRETER.test(path.basename(argv[0])) && argv.length > 1 ? argv[1] : argv[0];
  return { argv, name: path.basename(tool), timeoutMs: e.SKULL_STRIP_TIMEOUT_S * 1000 };
}

export const strippedNote = (step: SkullStripStep) => `${STRIPPED_NOTE}${step.name} (SKULL_STRIP_COMMAND) before storing`;

/**
 * The tool a stored volume was stripped by, from its Volume.warnings: the tool's name, ALREADY_STRIPPED_NOTE when
 * it arrived stripped (already-stripped.ts), null when it was stored as received with its skull.
 */
export function strippedBy(warnings: unknown): string | null {
  if (!Array.isArray(warnings)) return null;
  const notes = warnings.filter((w): w is string => typeof w === 'string');
  const note = notes.find((w) => w.startsWith(STRIPPED_NOTE));
  if (note) return note.slice(STRIPPED_NOTE.length).split(' ')[0];
  return notes.some((w) => w.startsWith(ALREADY_STRIPPED_NOTE)) ? ALREADY_STRIPPED_NOTE : null;
}

/** Runs the step on one NIfTI (gzipped or not) and returns the stripped file's bytes; `label` names it in errors. */
export async function skullStrip(step: SkullStripStep, label: string, bytes: Uint8Array): Promise<Uint8Array> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-strip-'));
  try {
    const input = path.join(dir, `in${isGzip(bytes) ? '.nii.gz' : '.nii'}`);
    const output = path.join(dir, 'out.nii.gz');
    await fs.writeFile(input, bytes);
    const args = step.argv.map((a) => a.replaceAll('{in}', input).replaceAll('{out}', output));
    const { code, stderr } = await run(args, step.timeoutMs);
    const fail = (why: string) =>
      new AppError('INVALID_INPUT', `skull-stripping (${step.name}) of ${label} ${why}; nothing was stored`, { status: 422 });
    if (code !== 0) throw fail(`failed (${code === null ? 'timed out' : `exit ${code}`})${stderr ? `: ${stderr}` : ''}`);
    const out = await fs.readFile(output).catch(() => null);
    if (!out || out.length === 0) throw fail(`wrote no output file at {out}`);
    return new Uint8Array(out);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], shell: false, timeout: timeoutMs });
  const err: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`could not run the skull-stripping command ${args[0]}: ${e.message}`)));
    child.once('close', (c) => resolve(c));
  });
  const lines = Buffer.concat(err).toString('utf8').trim().split('\n');
  return { code, stderr: lines.slice(-3).join(' | ').slice(0, 500) };
}
