import 'server-only';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LABEL_MAPS, type LabelMap } from '@/lib/labels';
import { assertSameGrid, labelBytes } from '@/lib/metrics/grid';
import type { Dims, Spacing } from '@/lib/metrics/types';
import { readNiftiFile } from '@/lib/server/imaging/nifti';
import type { RegionSummary } from '@/lib/metrics/summary';

/** Shared by bench/metrics.ts and tests/metrics: the real mask pairs and the Python reference runner. */
export const REPO_ROOT = path.resolve(__dirname, '..');
export const REAL_DATA_DIR = path.resolve(REPO_ROOT, '../shared/data/real');
export const PYTHON = path.join(REPO_ROOT, '.venv/bin/python');
export const PYTHON_REF = path.join(REPO_ROOT, 'bench/metrics_ref.py');
export const REAL_CASES = ['TCGA-DU-7294', 'TCGA-FG-6692'] as const;
export const ALGORITHMS = ['hnfnetv1-20', 'isen-20', 'sanet0-20', 'scan-20', 'yixinmpl-20'] as const;
/** The real masks use the BraTS 2020 convention (ET = 4). */
export const REAL_LABEL_MAP: LabelMap = LABEL_MAPS.brats2020;

export interface MaskPair {
  caseId: string;
  algorithm: string;
  pred: string;
  ref: string;
}

export function realDataAvailable(): boolean {
  return existsSync(path.join(REAL_DATA_DIR, REAL_CASES[0], 'masks', 'fusion-mav.nii.gz'));
}

/** Every algorithm mask against the fusion of the same case (10 pairs). */
export function realPairs(): MaskPair[] {
  return REAL_CASES.flatMap((caseId) =>
    ALGORITHMS.map((algorithm) => ({
      caseId,
      algorithm,
      pred: path.join(REAL_DATA_DIR, caseId, 'masks', `${algorithm}.nii.gz`),
      ref: path.join(REAL_DATA_DIR, caseId, 'masks', 'fusion-mav.nii.gz'),
    })),
  );
}

export interface LoadedPair {
  pred: Uint8Array;
  ref: Uint8Array;
  dims: Dims;
  spacing: Spacing;
}

export async function loadPair(pair: { pred: string; ref: string }): Promise<LoadedPair> {
  const [p, r] = await Promise.all([readNiftiFile(pair.pred), readNiftiFile(pair.ref)]);
  const { dims, spacing } = assertSameGrid(p, r);
  return { pred: labelBytes(p.data, pair.pred), ref: labelBytes(r.data, pair.ref), dims, spacing };
}

export function pythonAvailable(): boolean {
  return existsSync(PYTHON);
}

/** The Python reference prints the same flat figures as `npm run metrics`, plus its per-lesion list. */
export interface PythonRegion extends RegionSummary {
  lesions: { ref_voxels: number; matched: number; pred_voxels: number; dice: number; hd95: number }[];
}

export interface PythonRun {
  results: Record<'WT' | 'TC' | 'ET', PythonRegion>[];
  /** median and fastest evaluation time per pair */
  seconds: number[];
  seconds_min: number[];
  /** median CPU time of the Python process per pair (all its threads) */
  cpu_seconds: number[];
}

/** Runs bench/metrics_ref.py on the pairs (NIfTI paths, or raw uint8 files with dims and spacing). */
export async function runPythonRef(
  pairs: ({ pred: string; ref: string } | { pred: string; ref: string; dims: Dims; spacing: Spacing })[],
  opts: { challenge?: string; labelMap?: LabelMap; repeat?: number; crop?: boolean } = {},
): Promise<PythonRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'metrics-ref-'));
  try {
    const file = path.join(dir, 'pairs.json');
    await writeFile(file, JSON.stringify(pairs));
    const args = [PYTHON_REF, 'eval', '--pairs', file, '--challenge', opts.challenge ?? 'GLI', '--repeat', String(opts.repeat ?? 1)];
    if (opts.labelMap) args.push('--regions', JSON.stringify(opts.labelMap.regions));
    if (opts.crop) args.push('--crop');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, args, { maxBuffer: 64 << 20 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      ),
    );
    return JSON.parse(stdout) as PythonRun;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes raw uint8 volumes (x fastest) for the Python reference; returns their paths. */
export async function writeRawPair(dir: string, name: string, pred: Uint8Array, ref: Uint8Array): Promise<{ pred: string; ref: string }> {
  const p = path.join(dir, `${name}-pred.raw`);
  const r = path.join(dir, `${name}-ref.raw`);
  await Promise.all([writeFile(p, pred), writeFile(r, ref)]);
  return { pred: p, ref: r };
}
