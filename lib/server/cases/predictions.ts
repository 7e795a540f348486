import 'server-only';
import { db } from '../db';
import { can, type RoleName } from '@/lib/permissions';

export interface PredictionViewDto {
  id: string;
  role: string;
  returned: boolean;
  model: string;
  modelStage: string;
  maskSha256: string;
  volumesMl: Record<string, number>;
  componentCounts: Record<string, number> | null;
  uncertainty: number | null;
  timingsMs: Record<string, number> | null;
  createdAt: string;
  drift: { isDrifter: boolean; score: number; reasons: string[] } | null;
}

/**
 * Predictions of a case that the caller may see: clinicians only the one returned to them (so shadow and canary
 * results stay hidden); ML engineers all of them, returned one first.
 */
export async function listCasePredictions(caseId: string, role: RoleName): Promise<PredictionViewDto[]> {
  const seeHidden = can(role, 'prediction:view-hidden');
  const rows = await db().prediction.findMany({
    where: { caseId, ...(seeHidden ? {} : { returned: true }) },
    include: { modelVersion: true, driftReport: true },
    orderBy: [{ returned: 'desc' }, { createdAt: 'asc' }],
  });
  return rows.map((p) => ({
    id: p.id,
    role: p.role,
    returned: p.returned,
    model: `${p.modelVersion.name}@${p.modelVersion.version}`,
    modelStage: p.modelVersion.stage,
    maskSha256: p.maskSha256,
    volumesMl: p.volumesMl as Record<string, number>,
    componentCounts: (p.componentCounts as Record<string, number> | null) ?? null,
    uncertainty: p.uncertainty,
    timingsMs: (p.timingsMs as Record<string, number> | null) ?? null,
    createdAt: p.createdAt.toISOString(),
    drift: p.driftReport
      ? { isDrifter: p.driftReport.isDrifter, score: p.driftReport.score, reasons: (p.driftReport.reasons as string[]) ?? [] }
      : null,
  }));
}
