import 'server-only';
import type { RegionName } from '@/lib/labels';
import { db } from '../db';
import { AppError, isAppError } from '../errors';
import { getEvaluation, latestFinishedEvaluation, readPerCase, type EvaluationDetailDto } from './queries';
import type { PerCaseRecord } from './types';

/** Read models of the comparison page: per-case rows for the table and plots, and a case's images for the viewer. */
export interface RegionCaseFigures {
  baseline: number | null;
  candidate: number;
  diff: number | null;
  lwBaseline: number | null;
  lwCandidate: number;
}

export interface ComparisonRowDto {
  key: string;
  caseId: string;
  externalId: string;
  setKey: string;
  setName: string;
  regions: Record<RegionName, RegionCaseFigures>;
}

export interface ComparisonDto {
  evaluation: EvaluationDetailDto;
  rows: ComparisonRowDto[];
}

const REGIONS: RegionName[] = ['WT', 'TC', 'ET'];

function row(r: PerCaseRecord, setName: string): ComparisonRowDto {
  const regions = Object.fromEntries(
    REGIONS.map((g) => {
      const c = r.candidate.metrics[g];
      const b = r.baseline?.metrics[g] ?? null;
      return [
        g,
        {
          baseline: b?.dice ?? null,
          candidate: c.dice,
          diff: b ? c.dice - b.dice : null,
          lwBaseline: b?.lw_dice ?? null,
          lwCandidate: c.lw_dice,
        },
      ];
    }),
  ) as Record<RegionName, RegionCaseFigures>;
  return { key: `${r.setKey}/${r.caseId}`, caseId: r.caseId, externalId: r.externalId, setKey: r.setKey, setName, regions };
}

/**
 * One evaluation with its per-case rows: the one named, or the newest finished evaluation of `candidateId` (against
 * `baselineId` when given).
 */
export async function comparisonView(
  candidateId: string,
  baselineId?: string | null,
  evaluationId?: string,
): Promise<ComparisonDto | null> {
  const missing = (e: unknown) => {
    if (isAppError(e) && e.code === 'NOT_FOUND') return null;
    throw e;
  };
  const evaluation = evaluationId
    ? await getEvaluation(evaluationId).catch(missing)
    : await latestFinishedEvaluation(candidateId, baselineId);
  if (!evaluation || !evaluation.finishedAt || evaluation.candidate.id !== candidateId) return null;
  const names = new Map((evaluation.aggregate?.sets ?? []).map((s) => [s.key, s.name]));
  const { records } = await readPerCase(evaluation.id);
  return { evaluation, rows: records.map((r) => row(r, names.get(r.setKey) ?? r.setKey)) };
}

export type MaskWhich = 'reference' | 'baseline' | 'candidate';

async function caseRecord(evaluationId: string, caseId: string): Promise<PerCaseRecord> {
  const { records } = await readPerCase(evaluationId);
  const rec = records.find((r) => r.caseId === caseId);
  if (!rec) throw new AppError('NOT_FOUND', 'This case is not part of the evaluation.');
  return rec;
}

/** The blob of one of a case's three masks in an evaluation (the masks route streams it). */
export async function evaluationMaskKey(modelVersionId: string, evaluationId: string, caseId: string, which: MaskWhich): Promise<string> {
  const ev = await getEvaluation(evaluationId);
  if (ev.candidate.id !== modelVersionId && ev.baseline?.id !== modelVersionId)
    throw new AppError('NOT_FOUND', 'No such evaluation for this model.');
  const rec = await caseRecord(evaluationId, caseId);
  const key = which === 'reference' ? rec.reference.blobKey : which === 'candidate' ? rec.candidate.maskBlobKey : rec.baseline?.maskBlobKey;
  if (!key) throw new AppError('NOT_FOUND', 'This evaluation has no production mask (there was no production model).');
  return key;
}

export interface ComparisonCaseDto {
  caseId: string;
  externalId: string;
  volumes: { modality: string; url: string }[];
  masks: Record<MaskWhich, string | null>;
}

/** What the side-by-side viewer loads for a case: image volumes (blob route) and the three masks (masks route). */
export async function comparisonCase(evaluationId: string, caseId: string): Promise<ComparisonCaseDto> {
  const ev = await getEvaluation(evaluationId);
  const rec = await caseRecord(evaluationId, caseId);
  const volumes = await db().volume.findMany({ where: { caseId }, select: { modality: true, sha256: true } });
  const base = `/models/${ev.candidate.id}/evaluations/${ev.id}/mask?case=${encodeURIComponent(caseId)}&which=`;
  return {
    caseId,
    externalId: rec.externalId,
    volumes: ['T1C', 'T2F', 'T1N', 'T2W'].flatMap((m) =>
      volumes.filter((v) => v.modality === m).map((v) => ({ modality: m, url: `/api/blobs/${v.sha256}` })),
    ),
    masks: { reference: `${base}reference`, baseline: rec.baseline ? `${base}baseline` : null, candidate: `${base}candidate` },
  };
}
