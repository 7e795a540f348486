import 'server-only';
import { db } from '../db';
import type { CheckResult } from './types';

export interface CaseDriftReportDto {
  id: string;
  predictionId: string;
  score: number;
  isDrifter: boolean;
  reasons: string[];
  checks: CheckResult[];
  createdAt: string;
}

/** The drift report of the case's returned (clinician-facing) prediction, or null before inference has run. */
export async function getCaseDriftReport(caseId: string): Promise<CaseDriftReportDto | null> {
  const r = await db().driftReport.findFirst({
    where: { caseId, prediction: { returned: true } },
    orderBy: { createdAt: 'desc' },
  });
  if (!r) return null;
  return {
    id: r.id,
    predictionId: r.predictionId,
    score: r.score,
    isDrifter: r.isDrifter,
    reasons: Array.isArray(r.reasons) ? (r.reasons as string[]) : [],
    checks: Array.isArray(r.checks) ? (r.checks as unknown as CheckResult[]) : [],
    createdAt: r.createdAt.toISOString(),
  };
}
