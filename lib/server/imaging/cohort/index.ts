import 'server-only';
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { constants } from 'node:zlib';
import { writeNifti } from '../nifti-write';
import { generateCase, type GeneratedCase } from './generate';
import { PRESETS } from './presets';
import { DEFAULT_GRID, type GridOptions } from './sample';
import { MODALITIES, type Modality } from './types';

export const GENERATOR = 'tumorwatch-synthetic-glioma/1';

/** BraTS 2023 file suffix per modality. */
export const SUFFIX: Record<Modality, string> = { T1N: 't1n', T1C: 't1c', T2W: 't2w', T2F: 't2f' };

export interface CohortOptions {
  domain: string;
  n: number;
  seed: string;
  out: string;
  grid?: GridOptions;
  shifts?: string[];
  /** index of the first case (so a cohort can be extended without regenerating it) */
  start?: number;
  /** gzip level for the written volumes (run-length strategy): level 1 is fast and within a few % of level 6 in size */
  level?: number;
  onCase?: (entry: CohortEntry, index: number) => void;
}

export interface CohortEntry {
  caseId: string;
  files: Partial<Record<Modality | 'SEG', string>>;
  volumesMl: GeneratedCase['volumesMl'];
  shifts: string[];
}

export function caseIdFor(domain: string, seed: string, index: number): string {
  return `SYN-${domain}-${seed}-${String(index).padStart(5, '0')}`;
}

export async function generateCohort(opts: CohortOptions): Promise<{ cohortFile: string; cases: CohortEntry[] }> {
  const grid = opts.grid ?? DEFAULT_GRID;
  const cases: CohortEntry[] = [];
  for (let i = 0; i < opts.n; i++) {
    const caseId = caseIdFor(opts.domain, opts.seed, (opts.start ?? 0) + i);
    const gen = generateCase({ caseId, seed: opts.seed, domain: opts.domain, grid, shifts: opts.shifts });
    const entry = await writeCase(opts.out, gen, opts.level ?? 1);
    cases.push(entry);
    opts.onCase?.(entry, i);
  }
  const cohort = {
    generator: GENERATOR,
    domain: opts.domain,
    seed: opts.seed,
    n: opts.n,
    start: opts.start ?? 0,
    grid,
    shifts: opts.shifts ?? [],
    labels: { 1: 'NCR', 2: 'ED', 3: 'ET' },
    cases,
  };
  const cohortFile = path.join(opts.out, 'cohort.json');
  await atomicWrite(cohortFile, JSON.stringify(cohort, null, 2));
  return { cohortFile, cases };
}

/** Writes `<out>/<caseId>/<caseId>-{t1n,t1c,t2w,t2f,seg}.nii.gz` and meta.json; returns the cohort entry. */
export async function writeCase(out: string, gen: GeneratedCase, level = 1): Promise<CohortEntry> {
  const { spec } = gen;
  const dir = path.join(out, spec.caseId);
  await mkdir(dir, { recursive: true });
  const like = { dims: gen.dims, affine: gen.affine };
  const files: CohortEntry['files'] = {};
  const sha256: Record<string, string> = {};
  const put = async (key: Modality | 'SEG', suffix: string, bytes: Uint8Array) => {
    const name = `${spec.caseId}-${suffix}.nii.gz`;
    await atomicWrite(path.join(dir, name), bytes);
    files[key] = `${spec.caseId}/${name}`;
    sha256[name] = createHash('sha256').update(bytes).digest('hex');
  };
  for (const m of MODALITIES) {
    const img = gen.images[m];
    if (img) await put(m, SUFFIX[m], writeNifti({ ...like, data: img }, { level, strategy: constants.Z_RLE }));
  }
  await put('SEG', 'seg', writeNifti({ ...like, data: gen.seg }, { level, strategy: constants.Z_RLE }));
  const meta = {
    caseId: spec.caseId,
    generator: GENERATOR,
    domain: spec.domain,
    seed: spec.seed,
    site: spec.site.site,
    scanner: { manufacturer: spec.site.manufacturer, model: spec.site.model, fieldStrengthT: spec.site.fieldStrengthT },
    shifts: spec.shifts.map((s) => ({ preset: s, description: PRESETS.find((p) => p.name === s.split(':')[0])?.description })),
    dims: gen.dims,
    spacing: gen.spacing,
    orientation: 'LPS',
    affine: gen.affine,
    missing: spec.missing,
    swapped: spec.swapped,
    labels: { 1: 'NCR', 2: 'ED', 3: 'ET' },
    volumesMl: gen.volumesMl,
    tumours: spec.tumours.map((t) => ({
      centreMm: t.centre.map((c) => Math.round(c * 10) / 10),
      coreRadiusMm: round1(t.rTc),
      oedemaRadiusMm: round1(t.rEd),
      rimMm: t.enhancing ? round1(t.rim) : 0,
      enhancing: t.enhancing,
    })),
    files,
    sha256,
  };
  await atomicWrite(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
  return { caseId: spec.caseId, files, volumesMl: gen.volumesMl, shifts: spec.shifts };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Temp name then rename: an interrupted run never leaves a half-written volume under its final name. */
async function atomicWrite(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
