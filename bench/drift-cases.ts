/**
 * Helpers for bench/drift.ts: one case (synthetic, generated in memory, or real, read from disk) through the real
 * model and the drift checks, timing inference and the checks separately.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { segment, type LoadedModel } from '@/lib/server/inference';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { readNiftiFile, type NiftiVolume } from '@/lib/server/imaging/nifti';
import { orientationCode } from '@/lib/server/imaging/orientation';
import type { Mat4 } from '@/lib/server/imaging/affine';
import { evaluateCase, type DriftVerdict } from '@/lib/server/drift/checks';
import { imageStats, spacingFromAffine } from '@/lib/server/drift/case-stats';
import { lesionCount } from '@/lib/server/drift/lesions';
import { lesionMinMl } from '@/lib/server/drift/checks/output';
import type { DriftSettings } from '@/lib/server/drift/settings';
import {
  MODALITIES,
  type CaseMetadataStats,
  type CaseStats,
  type CaseOutputStats,
  type DriftReference,
  type Modality,
} from '@/lib/server/drift/types';

type Vol = { dims: [number, number, number]; affine: Mat4; data: NiftiVolume['data']; affineSource: NiftiVolume['affineSource'] };

export interface CaseInput {
  id: string;
  volumes: Partial<Record<Modality, Vol>>;
  meta: Omit<CaseMetadataStats, 'modalities' | 'dims' | 'spacingMm' | 'orientation'>;
}

export interface CaseOutcome {
  id: string;
  verdict: DriftVerdict;
  inferenceMs: number | null;
  /** statistics + checks on already-decoded volumes, wall and CPU */
  checkMs: number;
  checkCpuMs: number;
  inferenceError: string | null;
  /** what the checks saw and the predicted mask (null when the model could not run): the agnostic bench reuses them */
  stats: CaseStats;
  mask: Uint8Array | null;
}

export function syntheticCase(
  seed: string,
  index: number,
  shifts: string[],
  grid: { dims: [number, number, number]; spacing: [number, number, number] },
): CaseInput {
  const caseId = `SYN-bench-${seed}-${String(index).padStart(5, '0')}`;
  const gen = generateCase({ caseId, seed, domain: 'A', grid, shifts });
  const volumes: CaseInput['volumes'] = {};
  for (const m of MODALITIES) {
    const img = gen.images[m];
    if (img) volumes[m] = { dims: gen.dims, affine: gen.affine, data: img, affineSource: 'sform' };
  }
  const s = gen.spec.site;
  return {
    id: `${caseId}${shifts.length ? `+${shifts.join('+')}` : ''}`,
    volumes,
    meta: { datatype: 'int16', site: s.site, manufacturer: s.manufacturer, fieldStrengthT: s.fieldStrengthT },
  };
}

/** Cases of a cohort written by scripts/cohort.ts (cohort.json + per-case meta.json), read from disk. */
export async function* cohortCases(dir: string, limit: number): AsyncGenerator<CaseInput> {
  const cohort = JSON.parse(await readFile(path.join(dir, 'cohort.json'), 'utf8')) as {
    cases: { caseId: string; files: Partial<Record<Modality, string>> }[];
  };
  for (const c of cohort.cases.slice(0, limit)) {
    const meta = JSON.parse(await readFile(path.join(dir, c.caseId, 'meta.json'), 'utf8'));
    const volumes: CaseInput['volumes'] = {};
    for (const m of MODALITIES) if (c.files[m]) volumes[m] = await readNiftiFile(path.join(dir, c.files[m]!));
    yield {
      id: c.caseId,
      volumes,
      meta: {
        datatype: 'int16',
        site: meta.site ?? null,
        manufacturer: meta.scanner?.manufacturer ?? null,
        fieldStrengthT: meta.scanner?.fieldStrengthT ?? null,
      },
    };
  }
}

const REAL_FILES: Record<Modality, string> = { T1N: 't1', T1C: 't1c', T2W: 't2', T2F: 'flair' };

export async function realCase(dir: string, id: string): Promise<CaseInput> {
  const volumes: CaseInput['volumes'] = {};
  let datatype = 'int16';
  for (const m of MODALITIES) {
    const v = await readNiftiFile(path.join(dir, id, 'images', `${REAL_FILES[m]}.nii.gz`));
    volumes[m] = v;
    datatype = v.datatype;
  }
  return { id, volumes, meta: { datatype, site: 'TCIA', manufacturer: null, fieldStrengthT: null } };
}

export function metaOf(c: CaseInput): CaseMetadataStats {
  const present = MODALITIES.filter((m) => c.volumes[m]);
  const first = c.volumes.T1N ?? c.volumes[present[0]]!;
  return {
    ...c.meta,
    modalities: present,
    dims: first.dims,
    spacingMm: spacingFromAffine(first.affine),
    orientation: orientationCode(first.affine),
  };
}

export async function runCase(c: CaseInput, model: LoadedModel, ref: DriftReference, settings: DriftSettings): Promise<CaseOutcome> {
  let output: CaseOutputStats | null = null;
  let inferenceMs: number | null = null;
  let inferenceError: string | null = null;
  let mask: Uint8Array | null = null;
  if (MODALITIES.every((m) => c.volumes[m])) {
    const t = performance.now();
    const r = await segment({ model, volumes: c.volumes });
    inferenceMs = performance.now() - t;
    output = { volumesMl: r.volumesMl, componentCounts: r.componentCounts, uncertainty: r.uncertainty, features: r.features };
    mask = r.mask;
  } else {
    inferenceError = 'a sequence is missing: the model cannot run (ingestion refuses such a case)';
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const meta = metaOf(c);
  if (output && mask && meta.dims && meta.spacingMm)
    output.lesions = lesionCount(mask, meta.dims, meta.spacingMm.reduce((a, b) => a * b, 1) / 1000, lesionMinMl(ref, settings));
  const stats: CaseStats = { meta, image: imageStats(c.volumes), output };
  const verdict = evaluateCase(stats, ref, settings);
  const checkMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { id: c.id, verdict, inferenceMs, checkMs, checkCpuMs: (cpu.user + cpu.system) / 1000, inferenceError, stats, mask };
}

/** The feature-only baseline detector: the Mahalanobis check's score (0 when the model could not run). */
export const mahalanobisScore = (o: CaseOutcome) => o.verdict.checks.find((c) => c.kind === 'features.mahalanobis')?.score ?? 0;
