import 'server-only';
import type { AcquisitionSplit } from '@/lib/monitoring-splits';
import { db } from '../../db';
import { acquisitionSegments } from './acquisition';

/** One production case as monitoring sees it: when, where, the verdict, and every numeric check value. */
export interface MonitoredCase {
  caseId: string;
  externalId: string;
  createdAt: string;
  site: string;
  scanner: string;
  /** segments under the acquisition splits (scanner model, field strength, software, T1C protocol) */
  acquisition?: Record<AcquisitionSplit, string>;
  isDrifter: boolean;
  score: number;
  flagged: boolean;
  values: Record<string, number>;
}

export async function productionModel() {
  return db().modelVersion.findFirst({
    where: { stage: 'PRODUCTION' },
    orderBy: { stageChangedAt: 'desc' },
    select: { id: true, name: true, version: true, card: true },
  });
}

/**
 * The latest `limit` drift reports of the model's production predictions, oldest first. Each report's checks JSON
 * (~10 kB) is parsed for its numeric values, which bounds `limit` (a compact values column would lift it).
 */
export async function loadMonitoredCases(modelVersionId: string, limit = 2000): Promise<MonitoredCase[]> {
  const rows = await db().driftReport.findMany({
    where: { prediction: { modelVersionId, role: 'PRODUCTION' } },
    orderBy: { createdAt: 'desc' },
    take: limit,
    include: {
      case: {
        select: {
          externalId: true,
          site: true,
          scannerManufacturer: true,
          scannerModel: true,
          fieldStrength: true,
          // the T1C's sidecar fields (DICOM cases): its TR/TE is the protocol key
          volumes: { where: { modality: 'T1C' }, select: { acquisition: true } },
          _count: { select: { flags: true } },
        },
      },
      prediction: { select: { volumesMl: true } },
    },
  });
  return rows.reverse().map((r) => {
    const values: Record<string, number> = {};
    for (const c of Array.isArray(r.checks) ? (r.checks as { kind?: unknown; value?: unknown }[]) : []) {
      if (typeof c?.kind === 'string' && typeof c.value === 'number' && Number.isFinite(c.value)) values[c.kind] = c.value;
    }
    const vol = (r.prediction.volumesMl ?? {}) as Record<string, unknown>;
    for (const k of ['NCR', 'ED', 'ET', 'TC', 'WT']) if (typeof vol[k] === 'number') values[`volume.${k}`] = vol[k] as number;
    const c = r.case;
    const scanner = [c.scannerManufacturer, c.scannerModel, c.fieldStrength ? `${c.fieldStrength} T` : null].filter(Boolean).join(' ');
    return {
      caseId: r.caseId,
      externalId: c.externalId,
      createdAt: r.createdAt.toISOString(),
      site: c.site || 'unknown site',
      scanner: scanner || 'unknown scanner',
      acquisition: acquisitionSegments(c.volumes[0]?.acquisition, c),
      isDrifter: r.isDrifter,
      score: r.score,
      flagged: c._count.flags > 0,
      values,
    };
  });
}
