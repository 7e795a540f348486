import 'server-only';
import type { CriteriaConfig } from '@/lib/schemas/criteria';
import { db } from '../db';
import { SYSTEM } from '../auth/actor';
import { AppError, isAppError } from '../errors';
import { getActiveCriteria } from '../evaluation/criteria';
import { deploymentReport, type DeploymentReport, type Rates } from './monitoring';
import { rollbackCanary } from './rollback';

/**
 * Automatic canary rollback. After each canary case the serving job calls checkCanaryHealth(): once the canary has
 * answered `minCases` cases, it is rolled back when its physician flag rate or its drifter rate exceeds production's
 * (same window, returned predictions only) by more than the configured margin.
 */
export interface CanaryDecision {
  enoughCases: boolean;
  rollback: boolean;
  reasons: string[];
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

/** Pure: the rollback rule. A rate production has no data for counts as 0 (the canary must still stay under the margin). */
export function canaryDecision(canary: Rates, production: Rates, cfg: CriteriaConfig['canary']): CanaryDecision {
  const enoughCases = canary.cases >= cfg.minCases;
  if (!enoughCases) return { enoughCases, rollback: false, reasons: [`${canary.cases}/${cfg.minCases} canary cases so far`] };
  const reasons: string[] = [];
  if (canary.flagRate !== null && canary.flagRate > (production.flagRate ?? 0) + cfg.flagRateMargin) {
    reasons.push(
      `flag rate ${pct(canary.flagRate)} exceeds production's ${pct(production.flagRate)} by more than ${pct(cfg.flagRateMargin)}`,
    );
  }
  if (canary.drifterRate !== null && canary.drifterRate > (production.drifterRate ?? 0) + cfg.driftRateMargin) {
    reasons.push(
      `drifter rate ${pct(canary.drifterRate)} exceeds production's ${pct(production.drifterRate)} by more than ${pct(cfg.driftRateMargin)}`,
    );
  }
  return { enoughCases, rollback: reasons.length > 0, reasons };
}

/**
 * The canary's record as the CANARY -> PRODUCTION approval is signed. The rollback rule is applied again (it last ran
 * after the latest canary case; physician flags may have come in since), and a canary that has not yet answered the
 * cases the rule needs is promoted only when the approver confirms it: both facts go into the signed evidence.
 */
export function canaryAtSigning(report: DeploymentReport, cfg: CriteriaConfig['canary'], confirmShort: boolean) {
  const decision = canaryDecision(report.model, report.production, cfg);
  if (decision.rollback)
    throw new AppError(
      'CONFLICT',
      `The canary's rollback rule fires: ${decision.reasons.join('; ')}. Roll the canary back instead of promoting it.`,
    );
  if (report.failedCases > 0) throw new AppError('CONFLICT', notAnswering('canary', report.failedCases));
  const record = { cases: report.model.cases, minCases: cfg.minCases, shortCanaryConfirmed: !decision.enoughCases };
  if (!decision.enoughCases && !confirmShort)
    throw new AppError(
      'CONFLICT',
      `The canary has answered ${record.cases} of the ${cfg.minCases} cases its automatic rollback rule needs, so nothing has judged it yet: let it serve more cases, or confirm that you promote on a short canary (recorded in the signed evidence).`,
      { fieldErrors: { confirmShortCanary: [`${record.cases} of ${cfg.minCases} canary cases`] } },
    );
  return record;
}

/** A shadow or canary that failed on cases (production answered them) is not promoted: the errors are in its history. */
export function notAnswering(mode: 'shadow' | 'canary', failedCases: number): string {
  return `The ${mode} model failed on ${failedCases} case${failedCases === 1 ? '' : 's'} it ran on (production answered them; the errors are in the model's history): it cannot be promoted. Reject it and register a fixed version.`;
}

export interface CanaryHealth {
  deploymentId: string;
  modelVersionId: string;
  decision: CanaryDecision;
  report: DeploymentReport;
  rolledBack: boolean;
}

/** Returns null when no canary is deployed. Safe to call concurrently: a lost race to roll back is not an error. */
export async function checkCanaryHealth(): Promise<CanaryHealth | null> {
  const d = await db().deployment.findFirst({ where: { mode: 'CANARY', endedAt: null }, orderBy: { startedAt: 'desc' } });
  if (!d) return null;
  const { config } = await getActiveCriteria();
  const report = await deploymentReport(d.modelVersionId, 'CANARY', config.shadow.disagreementDice);
  const decision = canaryDecision(report.model, report.production, config.canary);
  let rolledBack = false;
  if (decision.rollback) {
    try {
      await rollbackCanary(SYSTEM, {
        modelVersionId: d.modelVersionId,
        reason: `automatic rollback: ${decision.reasons.join('; ')}`,
        stats: { report, decision },
      });
      rolledBack = true;
    } catch (e) {
      if (!(isAppError(e) && e.code === 'CONFLICT')) throw e;
    }
  }
  return { deploymentId: d.id, modelVersionId: d.modelVersionId, decision, report, rolledBack };
}
