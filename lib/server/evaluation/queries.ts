import 'server-only';
import { db, type Db, type Tx } from '../db';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import type { StoredCriteriaResults, StoredPerCase } from './run';
import type { EvaluationAggregate } from './types';

export interface ModelRef {
  id: string;
  name: string;
  version: string;
  stage: string;
}

export interface EvaluationRowDto {
  id: string;
  candidate: ModelRef;
  baseline: ModelRef | null;
  criteriaVersion: number;
  verdict: 'PENDING' | 'PASS' | 'FAIL';
  runId: string | null;
  runStatus: string | null;
  progress: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface EvaluationDetailDto extends EvaluationRowDto {
  criteriaId: string;
  aggregate: EvaluationAggregate | null;
  criteria: StoredCriteriaResults | null;
  hasPerCase: boolean;
}

const INCLUDE = {
  modelVersion: { select: { id: true, name: true, version: true, stage: true } },
  baselineModel: { select: { id: true, name: true, version: true, stage: true } },
  criteria: { select: { version: true } },
  run: { select: { status: true, progress: true } },
} as const;

type Row = {
  id: string;
  verdict: string;
  runId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  criteriaId: string;
  aggregate: unknown;
  criteriaResults: unknown;
  perCaseBlobKey: string | null;
  modelVersion: ModelRef;
  baselineModel: ModelRef | null;
  criteria: { version: number };
  run: { status: string; progress: number } | null;
};

function toRow(e: Row): EvaluationRowDto {
  return {
    id: e.id,
    candidate: e.modelVersion,
    baseline: e.baselineModel,
    criteriaVersion: e.criteria.version,
    verdict: e.verdict as EvaluationRowDto['verdict'],
    runId: e.runId,
    runStatus: e.run?.status ?? null,
    progress: e.run?.progress ?? 0,
    createdAt: e.createdAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
  };
}

function toDetail(e: Row): EvaluationDetailDto {
  return {
    ...toRow(e),
    criteriaId: e.criteriaId,
    aggregate: (e.aggregate as EvaluationAggregate | null) ?? null,
    criteria: (e.criteriaResults as StoredCriteriaResults | null) ?? null,
    hasPerCase: !!e.perCaseBlobKey,
  };
}

export async function listEvaluations(modelVersionId?: string): Promise<EvaluationRowDto[]> {
  const rows = await db().evaluation.findMany({
    where: modelVersionId ? { OR: [{ modelVersionId }, { baselineModelId: modelVersionId }] } : undefined,
    orderBy: { createdAt: 'desc' },
    take: 200,
    include: INCLUDE,
  });
  return rows.map(toRow);
}

export async function getEvaluation(evaluationId: string, client: Db | Tx = db()): Promise<EvaluationDetailDto> {
  const e = await client.evaluation.findUnique({ where: { id: evaluationId }, include: INCLUDE });
  if (!e) throw new AppError('NOT_FOUND', 'No such evaluation.');
  return toDetail(e);
}

/**
 * The newest finished evaluation of a candidate, optionally against a given baseline (null: evaluated without a
 * production model). The promotion gate and the comparison page read this one.
 */
export async function latestFinishedEvaluation(
  candidateId: string,
  baselineId?: string | null,
  client: Db | Tx = db(),
): Promise<EvaluationDetailDto | null> {
  const e = await client.evaluation.findFirst({
    where: { modelVersionId: candidateId, finishedAt: { not: null }, ...(baselineId !== undefined ? { baselineModelId: baselineId } : {}) },
    orderBy: { finishedAt: 'desc' },
    include: INCLUDE,
  });
  return e ? toDetail(e) : null;
}

export async function readPerCase(evaluationId: string): Promise<StoredPerCase> {
  const e = await db().evaluation.findUnique({ where: { id: evaluationId }, select: { perCaseBlobKey: true } });
  if (!e) throw new AppError('NOT_FOUND', 'No such evaluation.');
  if (!e.perCaseBlobKey) return { evaluationId, records: [] };
  return JSON.parse(new TextDecoder().decode(await blobs().get(e.perCaseBlobKey))) as StoredPerCase;
}
