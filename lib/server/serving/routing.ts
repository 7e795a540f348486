import 'server-only';
import crypto from 'node:crypto';
import { db } from '../db';

export interface ServingTarget {
  modelVersionId: string;
  role: 'PRODUCTION' | 'SHADOW' | 'CANARY';
  /** Whether this model's mask is the one clinicians see for the case. */
  returned: boolean;
}

/**
 * Deterministic canary assignment: a case goes to the canary when the first 32 bits of sha256(caseId) fall in the
 * lowest p% of the range, so a re-run or retry of the same case always makes the same choice.
 */
export function inCanary(caseId: string, trafficPercent: number): boolean {
  const h = crypto.createHash('sha256').update(caseId).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < trafficPercent / 100;
}

/**
 * Which models run on a case and which one answers clinicians: the PRODUCTION model always runs (its mask is also
 * the comparison baseline); every active SHADOW model runs hidden; an active CANARY answers its traffic share.
 */
export async function servingPlan(caseId: string): Promise<ServingTarget[]> {
  const production = await db().modelVersion.findFirst({ where: { stage: 'PRODUCTION' }, orderBy: { stageChangedAt: 'desc' } });
  if (!production) return [];
  const deployments = await db().deployment.findMany({ where: { endedAt: null }, orderBy: { startedAt: 'asc' } });
  const canary = deployments.find((d) => d.mode === 'CANARY');
  const canaryServes = !!canary && inCanary(caseId, canary.trafficPercent);
  const targets: ServingTarget[] = [{ modelVersionId: production.id, role: 'PRODUCTION', returned: !canaryServes }];
  for (const d of deployments) {
    if (d.modelVersionId === production.id) continue;
    if (d.mode === 'SHADOW') targets.push({ modelVersionId: d.modelVersionId, role: 'SHADOW', returned: false });
    if (d.mode === 'CANARY') targets.push({ modelVersionId: d.modelVersionId, role: 'CANARY', returned: canaryServes });
  }
  return targets;
}
