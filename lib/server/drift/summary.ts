import 'server-only';
import { db } from '../db';

export interface MonitoringSummaryDto {
  cases: number;
  /** predictions shown to clinicians (one per predicted case) */
  predictions: number;
  drifters: number;
  flags: number;
  flaggedCases: number;
  drifterRate: number | null;
  flagRate: number | null;
}

export async function getMonitoringSummary(): Promise<MonitoringSummaryDto> {
  const client = db();
  const [cases, predictions, drifters, flags, flaggedCases] = await Promise.all([
    client.case.count(),
    client.prediction.count({ where: { returned: true } }),
    client.driftReport.count({ where: { isDrifter: true, prediction: { returned: true } } }),
    client.flag.count(),
    client.case.count({ where: { flags: { some: {} } } }),
  ]);
  return {
    cases,
    predictions,
    drifters,
    flags,
    flaggedCases,
    drifterRate: predictions ? drifters / predictions : null,
    flagRate: predictions ? flaggedCases / predictions : null,
  };
}
