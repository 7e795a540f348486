/**
 * The candidate's way from a finished evaluation to production, as the ML engineer drives it through the registry's
 * domain functions (what the Models page's actions call): read the gate's figures, shadow, canary, and the signed
 * promotion with its frozen evidence report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getEvaluation, readPerCase } from '@/lib/server/evaluation/queries';
import { getActiveCriteria } from '@/lib/server/evaluation/criteria';
import { promoteToCanary, promoteToProduction, promoteToShadow } from '@/lib/server/registry/promotion';
import { canaryDecision, deploymentReport, evidenceFile } from '@/lib/server/registry';
import { productionModel } from '@/lib/server/workflows/parent';
import { activeDeployments } from '@/lib/server/registry/stage';
import { db } from '@/lib/server/db';
import { retryBusy } from './busy';
import type { CaseRef } from './cohorts';
import { compareOnCases, meanDiceGain, worstDifferenceLower, type PairedRecord, type SetComparison } from './measure';
import type { Cast } from './setup';

export interface GateFigures {
  evaluationId: string;
  verdict: string;
  failed: string[];
  /** the locked domain-A hold-out */
  domainA: SetComparison | null;
  /** the drifter hold-out's shifted-domain cases */
  shifted: SetComparison | null;
  shiftedGain: ReturnType<typeof meanDiceGain>;
  /** the whole drifter hold-out (shifted cases and flagged in-distribution ones) */
  drifterHoldout: SetComparison | null;
  /** the cases that triggered the retraining (in the training snapshot) */
  triggering: SetComparison | null;
  domainAWorstLower: number | null;
}

export async function gateFigures(evaluationId: string, known: Map<string, CaseRef>): Promise<GateFigures> {
  const ev = await getEvaluation(evaluationId);
  if (!ev.aggregate || !ev.criteria) throw new Error(`evaluation ${evaluationId} has no stored results`);
  const { records } = await readPerCase(evaluationId);
  const bs = { resamples: ev.aggregate.resamples, confidence: ev.aggregate.confidence, seed: ev.aggregate.seed };
  const kindOf = new Map(ev.aggregate.sets.map((s) => [s.key, s.kind]));
  const inKind = (kind: string) => records.filter((r) => kindOf.get(r.setKey) === kind) as unknown as PairedRecord[];
  const drifter = inKind('DRIFTER');
  const shifted = drifter.filter((r) => known.get(r.caseId)?.domain === 'B');
  const domainA = compareOnCases(inKind('HOLDOUT_INTERNAL'), bs);
  return {
    evaluationId,
    verdict: ev.verdict,
    failed: ev.criteria.results
      .filter((r) => r.status === 'FAIL' || (r.status === 'NOT_EVALUATED' && r.blocking))
      .map(
        (r) =>
          `${r.rule}: ${r.value === null ? r.status.toLowerCase() : r.value.toFixed(3)}${r.ci ? ` [${r.ci.lower.toFixed(3)}, ${r.ci.upper.toFixed(3)}]` : ''} (${r.detail})`,
      ),
    domainA,
    shifted: compareOnCases(shifted, bs),
    shiftedGain: meanDiceGain(shifted, bs),
    drifterHoldout: compareOnCases(drifter, bs),
    triggering: compareOnCases(inKind('PROBLEMATIC'), bs),
    domainAWorstLower: domainA ? worstDifferenceLower(domainA) : null,
  };
}

export interface DeploymentFigures {
  cases: number;
  agreement: Record<'WT' | 'TC' | 'ET', number | null>;
  disagreements: number;
  drifterRate: number | null;
  productionDrifterRate: number | null;
  rollback: boolean | null;
}

async function deploymentFigures(modelVersionId: string, mode: 'SHADOW' | 'CANARY'): Promise<DeploymentFigures> {
  const { config } = await getActiveCriteria();
  const r = await deploymentReport(modelVersionId, mode, config.shadow.disagreementDice);
  const decision = mode === 'CANARY' ? canaryDecision(r.model, r.production, config.canary) : null;
  return {
    cases: r.model.cases,
    agreement: r.agreement,
    disagreements: r.disagreements.length,
    drifterRate: r.model.drifterRate,
    productionDrifterRate: r.production.drifterRate,
    rollback: decision ? decision.rollback : null,
  };
}

export async function enterShadow(cast: Cast, modelVersionId: string, figures: GateFigures): Promise<void> {
  const reason = `Evaluation ${figures.evaluationId} passed; shadowing on live cases before any clinician sees it.`;
  await retryBusy(() => promoteToShadow(cast.mlEngineer, { modelVersionId, reason }));
}

export async function shadowFigures(modelVersionId: string) {
  return deploymentFigures(modelVersionId, 'SHADOW');
}

export async function enterCanary(cast: Cast, modelVersionId: string, trafficPercent: number, shadow: DeploymentFigures): Promise<void> {
  const agree = Object.entries(shadow.agreement)
    .map(([g, v]) => `${g} ${v === null ? 'n/a' : v.toFixed(3)}`)
    .join(', ');
  await retryBusy(() =>
    promoteToCanary(cast.mlEngineer, {
      modelVersionId,
      trafficPercent,
      reason: `Shadow agreement with production on ${shadow.cases} cases: ${agree}.`,
    }),
  );
}

export async function canaryFigures(modelVersionId: string) {
  return deploymentFigures(modelVersionId, 'CANARY');
}

export interface PromotionOutcome {
  stage: string;
  /** what serves production now, read back after the promotion */
  productionId: string | null;
  productionModel: string | null;
  evidenceHtml: string;
}

/** The signed promotion (the ML engineer's password again), then the frozen evidence report written to disk. */
export async function promote(cast: Cast, modelVersionId: string, dataDir: string, canary: DeploymentFigures): Promise<PromotionOutcome> {
  const { config } = await getActiveCriteria();
  // a scenario-sized canary answers fewer cases than the rollback rule needs: the engineer signs it as a short canary
  const confirmShortCanary = canary.cases < config.canary.minCases;
  const short = confirmShortCanary ? ` (short canary: the rollback rule needs ${config.canary.minCases})` : '';
  const reason = `Canary served ${canary.cases} cases${short}; drifter rate ${canary.drifterRate ?? 'n/a'} vs production ${canary.productionDrifterRate ?? 'n/a'}; no rollback.`;
  const changed = await retryBusy(() =>
    promoteToProduction(cast.mlEngineer, { modelVersionId, password: cast.mlEngineerPassword, reason, confirmShortCanary }),
  );
  const evidence = await evidenceFile(modelVersionId, 'production', 'html');
  const file = path.join(dataDir, evidence.filename);
  fs.writeFileSync(file, evidence.body);
  const now = await productionModel();
  return {
    stage: changed.stage,
    productionId: now?.id ?? null,
    productionModel: now ? `${now.name}@${now.version}` : null,
    evidenceHtml: file,
  };
}

export interface RejectionOutcome {
  /** the candidate's registry stage after the gate said FAIL */
  candidateStage: string | null;
  activeDeployments: number;
  productionModel: string | null;
  /** the rejected candidate serves nobody and production is the model that served before */
  keptOut: boolean;
}

/** After a FAIL verdict: the product must keep the candidate out of shadow, canary and production. */
export async function rejectionFigures(candidateId: string, productionBefore: string | null): Promise<RejectionOutcome> {
  const candidate = await db().modelVersion.findUnique({ where: { id: candidateId }, select: { stage: true } });
  const deployments = (await activeDeployments(db(), candidateId)).length;
  const now = await productionModel();
  return {
    candidateStage: candidate?.stage ?? null,
    activeDeployments: deployments,
    productionModel: now ? `${now.name}@${now.version}` : null,
    keptOut: candidate?.stage === 'CANDIDATE' && deployments === 0 && now?.id === productionBefore,
  };
}
