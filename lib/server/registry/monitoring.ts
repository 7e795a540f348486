import 'server-only';
import type { RegionName } from '@/lib/labels';
import { db } from '../db';
import { storedAgreements } from './shadow';

/**
 * What a shadow or canary deployment saw: cases, agreement with production, and the clinic's signals (physician
 * flags, drifter verdicts). Computed on read from predictions, flags, drift reports and the stored agreements.
 */
export interface DeploymentDto {
  id: string;
  mode: 'SHADOW' | 'CANARY';
  trafficPercent: number;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
}

export interface Rates {
  cases: number;
  flagged: number;
  flagRate: number | null;
  /** predictions that have a drift report (the drift rate's denominator) */
  withDrift: number;
  drifters: number;
  drifterRate: number | null;
}

export interface Disagreement {
  caseId: string;
  externalId: string;
  predictionId: string;
  dice: Record<RegionName, number>;
}

export interface DeploymentReport {
  deployment: DeploymentDto | null;
  /** the deployed model's own predictions in the window: for shadow, what the clinic saw on those cases */
  model: Rates;
  /** production's returned predictions in the same window (the canary comparison) */
  production: Rates;
  agreement: Record<RegionName, number | null>;
  agreementRecorded: number;
  disagreements: Disagreement[];
  /** cases the model failed on in the window (`ServingFailure` rows; the audit log has each attempt); production answered them */
  failedCases: number;
}

const REGIONS: RegionName[] = ['WT', 'TC', 'ET'];

function toDto(d: {
  id: string;
  mode: string;
  trafficPercent: number;
  startedAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}): DeploymentDto {
  return {
    id: d.id,
    mode: d.mode as DeploymentDto['mode'],
    trafficPercent: d.trafficPercent,
    startedAt: d.startedAt.toISOString(),
    endedAt: d.endedAt?.toISOString() ?? null,
    endReason: d.endReason,
  };
}

type PredictionWithSignals = {
  id: string;
  caseId: string;
  case: { externalId: string; flags: { id: string }[]; driftReports: { isDrifter: boolean }[] };
  flags: { id: string }[];
  driftReport: { isDrifter: boolean } | null;
};

/** Per prediction (canary, production) or per case (shadow: physicians never see a shadow mask). */
export function rates(rows: PredictionWithSignals[], level: 'prediction' | 'case'): Rates {
  const flagged = rows.filter((r) => (level === 'case' ? r.case.flags.length > 0 : r.flags.length > 0)).length;
  const drift = rows.map((r) =>
    level === 'case'
      ? r.case.driftReports.length
        ? r.case.driftReports.some((d) => d.isDrifter)
        : null
      : (r.driftReport?.isDrifter ?? null),
  );
  const withDrift = drift.filter((d) => d !== null).length;
  const drifters = drift.filter((d) => d === true).length;
  return {
    cases: rows.length,
    flagged,
    flagRate: rows.length ? flagged / rows.length : null,
    withDrift,
    drifters,
    drifterRate: withDrift ? drifters / withDrift : null,
  };
}

async function windowPredictions(
  where: { modelVersionId?: string; role: 'PRODUCTION' | 'SHADOW' | 'CANARY'; returned?: boolean },
  from: Date,
  to: Date | null,
) {
  return db().prediction.findMany({
    where: { ...where, createdAt: { gte: from, ...(to ? { lte: to } : {}) } },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      caseId: true,
      flags: { select: { id: true } },
      driftReport: { select: { isDrifter: true } },
      case: { select: { externalId: true, flags: { select: { id: true } }, driftReports: { select: { isDrifter: true } } } },
    },
  });
}

export async function deploymentReport(
  modelVersionId: string,
  mode: 'SHADOW' | 'CANARY',
  disagreementDice: number,
): Promise<DeploymentReport> {
  const d = await db().deployment.findFirst({ where: { modelVersionId, mode }, orderBy: { startedAt: 'desc' } });
  const empty = rates([], 'case');
  if (!d)
    return {
      deployment: null,
      model: empty,
      production: empty,
      agreement: { WT: null, TC: null, ET: null },
      agreementRecorded: 0,
      disagreements: [],
      failedCases: 0,
    };
  const mine = await windowPredictions(
    { modelVersionId, role: mode, ...(mode === 'CANARY' ? { returned: true } : {}) },
    d.startedAt,
    d.endedAt,
  );
  const prod = await windowPredictions({ role: 'PRODUCTION', returned: true }, d.startedAt, d.endedAt);
  // A canary runs on every case (hidden outside its share): agreement uses them all, the clinic's rates only its share.
  const all = mode === 'CANARY' ? await windowPredictions({ modelVersionId, role: 'CANARY' }, d.startedAt, d.endedAt) : mine;
  const agreements = await storedAgreements(all.map((p) => p.id));
  const recorded = all.filter((p) => agreements.has(p.id));
  const agreement = Object.fromEntries(
    REGIONS.map((g) => [g, recorded.length ? recorded.reduce((s, p) => s + agreements.get(p.id)!.dice[g], 0) / recorded.length : null]),
  ) as Record<RegionName, number | null>;
  const disagreements = recorded
    .filter((p) => REGIONS.some((g) => agreements.get(p.id)!.dice[g] < disagreementDice))
    .map((p) => ({ caseId: p.caseId, externalId: p.case.externalId, predictionId: p.id, dice: agreements.get(p.id)!.dice }))
    .sort((a, b) => Math.min(...REGIONS.map((g) => a.dice[g])) - Math.min(...REGIONS.map((g) => b.dice[g])));
  return {
    deployment: toDto(d),
    model: rates(mine, mode === 'SHADOW' ? 'case' : 'prediction'),
    production: rates(prod, 'prediction'),
    agreement,
    agreementRecorded: recorded.length,
    disagreements,
    failedCases: await db().servingFailure.count({
      where: { modelVersionId, role: mode, lastFailedAt: { gte: d.startedAt, ...(d.endedAt ? { lte: d.endedAt } : {}) } },
    }),
  };
}
