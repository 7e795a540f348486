import 'server-only';
import { PermanentJobError } from '../jobs';
import { db } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import { WORKER } from '../auth/actor';
import { getActiveCriteria } from './criteria';
import { collectEvaluationCases, holdoutLeakage, lockedGroundTruth } from './cases';
import { recordLockedReads } from '../datasets/locked-reads';
import { computePerCase } from './compute';
import { aggregateEvaluation } from './aggregate';
import { enqueueMirror } from '../mlflow/outbox';
import { judge } from './verdict';
import type { CriterionResult, OverallVerdict, PerCaseRecord } from './types';

export interface EvaluationRunContext {
  signal?: AbortSignal;
  reportProgress?: (p: number) => Promise<void>;
  jobId?: string;
}

/** Evaluation.criteriaResults as stored. */
export interface StoredCriteriaResults {
  verdict: OverallVerdict;
  results: CriterionResult[];
  leakage: { checked: boolean; holdoutCases: number; leaked: string[] };
  /** lockedGroundTruth() when the cases were read (absent in evaluations stored before it was recorded) */
  lockedGroundTruthSha256?: string;
}

/** The per-case JSON blob: every figure the aggregate was computed from (an auditor can recompute it). */
export interface StoredPerCase {
  evaluationId: string;
  records: PerCaseRecord[];
}

async function currentProduction() {
  return db().modelVersion.findFirst({ where: { stage: 'PRODUCTION' }, orderBy: { stageChangedAt: 'desc' } });
}

/** A retried job continues its own PENDING evaluation instead of leaving an orphan beside a new one. */
async function startEvaluation(modelVersionId: string, baselineId: string | null, criteriaId: string, jobId: string | undefined) {
  const pending = await db().evaluation.findFirst({
    where: { modelVersionId, baselineModelId: baselineId, criteriaId, verdict: 'PENDING', finishedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  return db().$transaction(async (tx) => {
    if (pending?.runId) {
      await tx.workflowRun.update({ where: { id: pending.runId }, data: { status: 'RUNNING', error: null, startedAt: new Date() } });
      return pending;
    }
    const run = await tx.workflowRun.create({
      data: {
        kind: 'EVALUATION',
        runner: 'LOCAL',
        status: 'RUNNING',
        params: { modelVersionId, jobId: jobId ?? null },
        startedAt: new Date(),
      },
    });
    const ev = await tx.evaluation.create({ data: { modelVersionId, baselineModelId: baselineId, criteriaId, runId: run.id } });
    await recordAudit(tx, {
      actor: WORKER,
      action: AUDIT.evaluationStart,
      entityId: ev.id,
      data: { modelVersionId, baselineModelId: baselineId, criteriaId, runId: run.id },
    });
    return ev;
  });
}

async function failEvaluation(evaluationId: string, runId: string | null, error: unknown) {
  if (!runId) return;
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  await db().$transaction(async (tx) => {
    await tx.workflowRun.update({ where: { id: runId }, data: { status: 'FAILED', error: message, finishedAt: new Date() } });
    await recordAudit(tx, { actor: WORKER, action: AUDIT.evaluationFail, entityId: evaluationId, data: { runId, error: message } });
  });
}

/** The `evaluation.run` job: both models on every evaluation set, per-case metrics, CIs, a verdict per criterion. */
export async function runEvaluation(
  modelVersionId: string,
  ctx: EvaluationRunContext = {},
): Promise<{ evaluationId: string; verdict: OverallVerdict }> {
  const candidate = await db().modelVersion.findUnique({ where: { id: modelVersionId } });
  if (!candidate) throw new PermanentJobError(`model version ${modelVersionId} does not exist`);
  const production = await currentProduction();
  const baseline = production && production.id !== candidate.id ? production : null;
  const criteria = await getActiveCriteria();
  const ev = await startEvaluation(candidate.id, baseline?.id ?? null, criteria.id, ctx.jobId);
  try {
    const lockedGroundTruthSha256 = await lockedGroundTruth();
    const { sets, cases } = await collectEvaluationCases(candidate.snapshotId);
    const leakage = await holdoutLeakage(candidate.snapshotId);
    const records = await computePerCase({
      candidate,
      baseline,
      cases,
      signal: ctx.signal,
      onProgress: async (done, total) => {
        const p = Math.min(0.99, done / total);
        await ctx.reportProgress?.(p);
        await db().workflowRun.update({ where: { id: ev.runId! }, data: { progress: p, logTail: `evaluated ${done}/${total} cases` } });
      },
    });
    const aggregate = aggregateEvaluation(sets, records, criteria.config);
    const { results, verdict } = judge(criteria.config, { sets: aggregate.sets, records, hasBaseline: !!baseline, leakage });
    const perCase: StoredPerCase = { evaluationId: ev.id, records };
    const put = await blobs().put(new TextEncoder().encode(JSON.stringify(perCase)), { contentType: 'application/json' });
    const stored: StoredCriteriaResults = { verdict, results, leakage, lockedGroundTruthSha256 };
    await db().$transaction(async (tx) => {
      await tx.evaluation.update({
        where: { id: ev.id },
        data: {
          perCaseBlobKey: put.key,
          aggregate: aggregate as object,
          criteriaResults: stored as object,
          verdict,
          finishedAt: new Date(),
          snapshotId: candidate.snapshotId,
        },
      });
      await tx.workflowRun.update({
        where: { id: ev.runId! },
        data: { status: 'SUCCEEDED', progress: 1, finishedAt: new Date(), logTail: `evaluated ${records.length} case results: ${verdict}` },
      });
      const failed = results.filter((r) => r.status === 'FAIL').map((r) => r.id);
      await recordAudit(tx, {
        actor: WORKER,
        action: AUDIT.evaluationFinish,
        entityId: ev.id,
        data: { modelVersionId, verdict, cases: records.length, failed },
      });
      await enqueueMirror(tx, { kind: 'evaluation', entityId: ev.id, key: `evaluation:${ev.id}` }); // MLflow (no-op when unset)
      await recordLockedReads(
        tx,
        WORKER,
        sets.map((s) => ({ id: s.key, locked: s.locked })),
        'EVALUATION',
        { evaluationId: ev.id },
      );
    });
    await ctx.reportProgress?.(1);
    return { evaluationId: ev.id, verdict };
  } catch (e) {
    await failEvaluation(ev.id, ev.runId, e);
    throw e;
  }
}
