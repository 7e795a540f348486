/**
 * The scenario's synthetic cases, from the product's cohort generator: domain A (the production model's training
 * distribution) and a shifted domain B (the chosen presets, e.g. a new scanner site). Cases are cached on disk by
 * (domain, seed, shifts, grid); a case depends only on those and its index, so a cache written by a smaller run is a
 * prefix of a larger one and is reused as is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { caseIdFor, writeCase } from '@/lib/server/imaging/cohort';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { readNiftiFile, type NiftiVolume } from '@/lib/server/imaging/nifti';
import { readCaseFolder, type CaseFolder } from '@/lib/server/cases/folder';

export interface CohortSpec {
  domain: 'A' | 'B';
  seed: string;
  shifts: string[];
  size: [number, number, number];
}

export interface CaseRef {
  caseId: string;
  dir: string;
  domain: 'A' | 'B';
}

export function cohortDir(cacheDir: string, spec: CohortSpec): string {
  const shifts = spec.shifts.length ? spec.shifts.join('+').replace(/[^A-Za-z0-9+._-]/g, '_') : 'none';
  return path.join(cacheDir, `${spec.domain}-seed${spec.seed}-${shifts}-${spec.size.join('x')}`);
}

/** Cases index 0..n-1 of the cohort, generating the ones not cached yet. Returns how many were generated. */
export async function ensureCohort(
  cacheDir: string,
  spec: CohortSpec,
  n: number,
  log: (m: string) => void,
): Promise<{ cases: CaseRef[]; generated: number }> {
  const out = cohortDir(cacheDir, spec);
  fs.mkdirSync(out, { recursive: true });
  const cases: CaseRef[] = [];
  let generated = 0;
  for (let i = 0; i < n; i++) {
    const caseId = caseIdFor(spec.domain, spec.seed, i);
    const dir = path.join(out, caseId);
    // meta.json is written last (writeCase), so its presence means the case is complete
    if (!fs.existsSync(path.join(dir, 'meta.json'))) {
      const gen = generateCase({
        caseId,
        seed: spec.seed,
        domain: spec.domain,
        grid: { dims: spec.size, spacing: [1, 1, 1] },
        shifts: spec.shifts,
      });
      await writeCase(out, gen, 1);
      generated++;
      if (generated % 10 === 0) log(`generated ${generated} ${spec.domain} cases`);
    }
    cases.push({ caseId, dir, domain: spec.domain });
  }
  return { cases, generated };
}

export async function readCase(ref: CaseRef): Promise<CaseFolder> {
  return readCaseFolder(ref.dir);
}

export interface GroundTruth {
  mask: Uint8Array;
  dims: [number, number, number];
  /** the file as generated (an import of the reference standard sends exactly this) */
  bytes: Uint8Array;
  /** its grid, for writing an edited mask on the same grid and affine */
  like: NiftiVolume;
  wtMl: number;
}

/** The generator's reference segmentation of a case (what the simulated radiologists converge to). */
export async function groundTruth(ref: CaseRef): Promise<GroundTruth> {
  const file = path.join(ref.dir, `${ref.caseId}-seg.nii.gz`);
  const vol = await readNiftiFile(file);
  const meta = JSON.parse(fs.readFileSync(path.join(ref.dir, 'meta.json'), 'utf8')) as { volumesMl: { WT: number } };
  return {
    mask: Uint8Array.from(vol.data as ArrayLike<number>),
    dims: vol.dims,
    bytes: new Uint8Array(fs.readFileSync(file)),
    like: vol,
    wtMl: meta.volumesMl.WT,
  };
}
