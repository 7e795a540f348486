import 'server-only';
import { computeDriftReport } from '../drift';
import { checkCanaryHealth, recordShadowAgreement } from '../registry';
import type { CaseVolumes } from './case-volumes';
import type { ServingTarget } from './routing';

/**
 * What follows a stored prediction. Production and canary predictions get a drift report (the canary's drift rate
 * is compared with production's for automatic rollback); shadow and canary predictions get their agreement with
 * production; a canary case re-checks canary health. Every step is idempotent: a retried job repeats none of them.
 */
export async function afterPredictionStored(
  predictionId: string,
  caseId: string,
  target: ServingTarget,
  volumes?: CaseVolumes,
): Promise<void> {
  if (target.role !== 'SHADOW') await computeDriftReport({ caseId, predictionId, volumes });
  if (target.role !== 'PRODUCTION') await recordShadowAgreement(predictionId);
  if (target.role === 'CANARY') await checkCanaryHealth();
}
