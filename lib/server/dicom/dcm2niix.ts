import 'server-only';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { env } from '../env';

/**
 * dcm2niix, spawned (never re-implemented): the pinned PyPI wheel in the project's Python environment. One run per
 * study over a folder of links to its instances; outputs are named by SeriesInstanceUID (`-f %j`) so each volume maps
 * back to its series without trusting the order of stdout. `-ba y` leaves patient name, ID and birth date out of the
 * sidecar (privacy.ts filters it further by an allow-list).
 */

export interface ConvertedVolume {
  /** the output's name after the series UID: '' for the plain volume, `_e2`, `_ph`, `a` ... when dcm2niix splits */
  suffix: string;
  niftiPath: string;
  sidecar: Record<string, unknown>;
}

export interface Conversion {
  bySeries: Map<string, ConvertedVolume[]>;
  /** dcm2niix's own warnings, for the log and the series' notes */
  warnings: string[];
}

const TIMEOUT_MS = 5 * 60_000;

export async function convertStudy(seriesFiles: Map<string, string[]>, workDir: string): Promise<Conversion> {
  const input = path.join(workDir, 'in');
  const output = path.join(workDir, 'out');
  await fs.mkdir(input, { recursive: true });
  await fs.mkdir(output, { recursive: true });
  let n = 0;
  for (const files of seriesFiles.values())
    for (const f of files) await fs.symlink(path.resolve(f), path.join(input, `${String(n++).padStart(6, '0')}.dcm`));
  const log = await run(env().DCM2NIIX, ['-z', 'y', '-b', 'y', '-ba', 'y', '-f', '%j', '-o', output, input]);
  const names = await fs.readdir(output);
  const bySeries = new Map<string, ConvertedVolume[]>();
  for (const uid of seriesFiles.keys()) {
    const volumes: ConvertedVolume[] = [];
    for (const name of names.filter((x) => x.endsWith('.nii.gz') && belongsTo(x, uid))) {
      const stem = name.slice(0, -'.nii.gz'.length);
      const sidecar = await readJson(path.join(output, `${stem}.json`));
      volumes.push({ suffix: stem.slice(uid.length), niftiPath: path.join(output, name), sidecar });
    }
    bySeries.set(
      uid,
      volumes.sort((a, b) => a.suffix.localeCompare(b.suffix)),
    );
  }
  const warnings = log.split('\n').filter((l) => /^warning/i.test(l.trim()));
  return { bySeries, warnings };
}

/** `1.2.3.4.nii.gz` and `1.2.3.4_e2.nii.gz` belong to series 1.2.3.4; `1.2.3.45.nii.gz` does not. */
function belongsTo(name: string, uid: string): boolean {
  if (!name.startsWith(uid)) return false;
  const next = name.charAt(uid.length);
  return !/[0-9.]/.test(next) || name.slice(uid.length).startsWith('.nii');
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    const v: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** stdout and stderr together; a non-zero exit (other than dcm2niix's "some files not converted", 2) throws. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => void (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => void (out += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`dcm2niix could not be started (${command}): ${e.message}; run scripts/python-env.sh`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 || code === 2) resolve(out);
      else reject(new Error(`dcm2niix failed (${signal ?? `exit ${code}`}): ${out.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}
