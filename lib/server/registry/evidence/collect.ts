import 'server-only';
import { db } from '../../db';
import { getActiveCriteria, getCriteriaVersion } from '../../evaluation/criteria';
import { latestFinishedEvaluation } from '../../evaluation/queries';
import { deploymentReport } from '../monitoring';
import { findModel } from '../stage';
import { lineageEvidence } from './lineage';
import { modelAuditTrail, replacedModel } from './replaced';
import { triggerEvidence } from './trigger';
import type { EvidenceData, EvidenceStep, TrainingEvidence } from './types';

export interface CollectOptions {
  step: EvidenceStep;
  /** the signature being recorded (production promotions) */
  approval?: EvidenceData['approval'];
  /** the production version this promotion archives */
  previousProduction?: EvidenceData['previousProduction'];
  /** pin the report's clock (the approval time) */
  now?: Date;
  /** the evaluation the promotion gate passed on (a promotion step); a preview shows the newest finished one */
  evaluation?: EvidenceData['evaluation'];
}

async function trainingEvidence(m: {
  trainingRunId: string | null;
  parentId: string | null;
  codeVersion: string | null;
  card: unknown;
}): Promise<TrainingEvidence> {
  const run = m.trainingRunId ? await db().workflowRun.findUnique({ where: { id: m.trainingRunId } }) : null;
  const parent = m.parentId
    ? await db().modelVersion.findUnique({ where: { id: m.parentId }, select: { id: true, name: true, version: true, stage: true } })
    : null;
  const card = (m.card ?? {}) as { training?: unknown; architecture?: unknown; onnx?: unknown };
  return {
    run: run
      ? {
          id: run.id,
          runner: run.runner,
          status: run.status,
          externalUrl: run.externalUrl,
          startedAt: run.startedAt?.toISOString() ?? null,
          finishedAt: run.finishedAt?.toISOString() ?? null,
        }
      : null,
    parent,
    codeVersion: m.codeVersion,
    card: { training: card.training ?? null, architecture: card.architecture ?? null, onnx: card.onnx ?? null },
  };
}

/** Gathers every section of the evidence report for a model version, as of now. */
export async function collectEvidence(modelVersionId: string, opts: CollectOptions): Promise<EvidenceData> {
  const m = await findModel(db(), modelVersionId);
  const evaluation = opts.evaluation ?? (await latestFinishedEvaluation(m.id));
  const criteria = evaluation ? await getCriteriaVersion(db(), evaluation.criteriaId) : await getActiveCriteria();
  const disagreement = criteria.config.shadow.disagreementDice;
  const replaced = await replacedModel(m.id);
  const replacedRef = replaced ? { id: replaced.id, name: replaced.name, version: replaced.version, stage: replaced.stage } : null;
  return {
    generatedAt: (opts.now ?? new Date()).toISOString(),
    step: opts.step,
    model: { id: m.id, name: m.name, version: m.version, stage: m.stage, sha256: m.sha256, createdAt: m.createdAt.toISOString() },
    trigger: await triggerEvidence(m, replacedRef),
    lineage: await lineageEvidence(m.snapshotId),
    training: await trainingEvidence(m),
    evaluation,
    criteria: { version: criteria.version, config: criteria.config },
    shadow: await deploymentReport(m.id, 'SHADOW', disagreement),
    canary: await deploymentReport(m.id, 'CANARY', disagreement),
    approval: opts.approval ?? null,
    previousProduction: opts.previousProduction ?? null,
    replaced: replaced && replacedRef ? { ...replacedRef, sha256: replaced.sha256, createdAt: replaced.createdAt.toISOString() } : null,
    auditTrail: await modelAuditTrail(m.id),
  };
}
