import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { trainingParamsSchema } from './params';
import type { RunCurveDto } from './curve';
import { runCurve } from './run-curve';

export interface RunRowDto {
  id: string;
  kind: string;
  runner: string;
  status: string;
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  /** MANUAL or AUTO (retraining trigger) for training runs. */
  trigger: string | null;
  config: string | null;
  /** name@version of the model the run produced. */
  model: string | null;
}

/** What the run page polls: small, and everything that changes while a run is live. */
export interface RunStatusDto {
  id: string;
  status: string;
  progress: number;
  logTail: string;
  error: string | null;
  externalUrl: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  hasLog: boolean;
  resultModel: { id: string; name: string; version: string; stage: string } | null;
  /** Loss and validation Dice so far (live), or as the run finished. */
  curve: RunCurveDto;
}

export interface RunDetailDto extends RunRowDto, RunStatusDto {
  params: unknown;
  snapshot: { id: string; name: string; sha256: string; caseCount: number } | null;
  parentModel: { id: string; name: string; version: string } | null;
  createdBy: string | null;
}

type Row = {
  id: string;
  kind: string;
  runner: string;
  status: string;
  progress: number;
  createdAt: Date;
  finishedAt: Date | null;
  params: unknown;
};

function toRow(r: Row, resultModel: { name: string; version: string } | null): RunRowDto {
  const p = trainingParamsSchema.safeParse(r.params);
  return {
    id: r.id,
    kind: r.kind,
    runner: r.runner,
    status: r.status,
    progress: r.progress,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    trigger: p.success ? p.data.input.trigger : null,
    config: p.success ? p.data.input.config : null,
    model: resultModel ? `${resultModel.name}@${resultModel.version}` : null,
  };
}

export async function listRuns(): Promise<RunRowDto[]> {
  const rows = await db().workflowRun.findMany({
    orderBy: { createdAt: 'desc' },
    take: 200,
    include: { resultModel: { select: { name: true, version: true } } },
  });
  return rows.map((r) => toRow(r, r.resultModel));
}

const STATUS_INCLUDE = { resultModel: { select: { id: true, name: true, version: true, stage: true } } } as const;

export async function getRunStatus(runId: string): Promise<RunStatusDto> {
  const r = await db().workflowRun.findUnique({ where: { id: runId }, include: STATUS_INCLUDE });
  if (!r) throw new AppError('NOT_FOUND', 'No such run.');
  return {
    id: r.id,
    status: r.status,
    progress: r.progress,
    logTail: r.logTail,
    error: r.error,
    externalUrl: r.externalUrl,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    hasLog: !!r.logBlobKey,
    resultModel: r.resultModel,
    curve: await runCurve(r),
  };
}

export async function getRun(runId: string): Promise<RunDetailDto> {
  const r = await db().workflowRun.findUnique({
    where: { id: runId },
    include: { ...STATUS_INCLUDE, snapshot: true, parentModel: true, createdBy: { select: { email: true } } },
  });
  if (!r) throw new AppError('NOT_FOUND', 'No such run.');
  const status = await getRunStatus(runId);
  return {
    ...toRow(r, r.resultModel),
    ...status,
    params: r.params,
    snapshot: r.snapshot && { id: r.snapshot.id, name: r.snapshot.name, sha256: r.snapshot.sha256, caseCount: r.snapshot.caseCount },
    parentModel: r.parentModel && { id: r.parentModel.id, name: r.parentModel.name, version: r.parentModel.version },
    createdBy: r.createdBy?.email ?? (r.createdById ? null : 'system'),
  };
}

/** The full log of a finished run (blob key), for the download route. */
export async function getRunLogKey(runId: string): Promise<string> {
  const r = await db().workflowRun.findUnique({ where: { id: runId }, select: { logBlobKey: true } });
  if (!r) throw new AppError('NOT_FOUND', 'No such run.');
  if (!r.logBlobKey) throw new AppError('NOT_FOUND', 'This run has no stored log yet (it is written when the run ends).');
  return r.logBlobKey;
}
