/**
 * The deployment half of the cycle, as the ML engineer does it on the model page: shadow (new arrivals run through both
 * models; the shadow hook records agreement), canary, the signed promotion (password re-checked, evidence frozen), and
 * a later rollback. Every figure in a reason is read back from the product's own deployment report.
 */
import { deploymentReport, type DeploymentReport } from '../../lib/server/registry/monitoring';
import { promoteToCanary, promoteToProduction, promoteToShadow } from '../../lib/server/registry/promotion';
import { rollbackProduction } from '../../lib/server/registry/rollback';
import { getActiveCriteria } from '../../lib/server/evaluation/criteria';
import type { CaseRef } from '../../scripts/scenario/cohorts';
import { arrive } from './cases';
import type { DemoCast } from './cast';
import { PLAN } from './plan';

const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
const agreementText = (r: DeploymentReport) => `WT ${fmt(r.agreement.WT)}, TC ${fmt(r.agreement.TC)}, ET ${fmt(r.agreement.ET)}`;

async function report(modelVersionId: string, mode: 'SHADOW' | 'CANARY') {
  const { config } = await getActiveCriteria();
  return deploymentReport(modelVersionId, mode, config.shadow.disagreementDice);
}

export async function shadowThenCanary(
  cast: DemoCast,
  modelVersionId: string,
  evaluation: string,
  arrivals: CaseRef[],
  log: (m: string) => void,
) {
  await promoteToShadow(cast.mlEngineer, {
    modelVersionId,
    reason: `Evaluation ${evaluation}: shadow it on new arrivals before any patient sees it.`,
  });
  for (const ref of arrivals.slice(0, PLAN.shadowCases)) await arrive(ref);
  const shadow = await report(modelVersionId, 'SHADOW');
  log(`shadow: ${shadow.agreementRecorded} cases, agreement ${agreementText(shadow)}`);
  await promoteToCanary(cast.mlEngineer, {
    modelVersionId,
    trafficPercent: PLAN.canaryPercent,
    reason: `Shadow agreement with production on ${shadow.agreementRecorded} cases: ${agreementText(shadow)}.`,
  });
  for (const ref of arrivals.slice(PLAN.shadowCases, PLAN.shadowCases + PLAN.canaryCases)) await arrive(ref);
}

export async function signPromotion(cast: DemoCast, modelVersionId: string, log: (m: string) => void) {
  const { config } = await getActiveCriteria();
  const canary = await report(modelVersionId, 'CANARY');
  const short = canary.model.cases < config.canary.minCases;
  const reason =
    `Canary answered ${canary.model.cases} cases` +
    (short ? ` (a short canary: the rollback rule needs ${config.canary.minCases})` : '') +
    `; drifter rate ${fmt(canary.model.drifterRate)} vs production ${fmt(canary.production.drifterRate)}; no rollback.`;
  await promoteToProduction(cast.mlEngineer, { modelVersionId, password: cast.mlEngineerPassword, reason, confirmShortCanary: short });
  log(`promoted: ${reason}`);
}

/** The engineer takes the short-canary promotion back: the previous production model serves again. */
export async function rollBack(cast: DemoCast, modelVersionId: string, log: (m: string) => void) {
  const reason =
    'Rolled back after review: the canary was shorter than the rollback rule asks for; production returns to the previous model ' +
    'until the retrained model has served a full canary window.';
  await rollbackProduction(cast.mlEngineer, { modelVersionId, reason });
  log('rolled back to the previous production model');
}
