import 'server-only';
/**
 * Population monitoring of the production model: tracked quantities per time window against the card reference
 * (PSI, KS, W1), alerts computed on read, and chart data. See build.ts for the rules.
 */
import { cachedDriftReference } from '../reference';
import { getDriftSettings } from '../settings';
import { buildDashboard, type Dashboard, type DashboardOptions } from './build';
import { loadMonitoredCases, productionModel } from './data';

export type { Dashboard, DashboardOptions, Split, AlertRow, QuantityRow, OverlayData, SeriesPoint } from './build';
export type { WindowMode } from './windows';
export { TRACKED_QUANTITIES } from './quantities';

export const DEFAULT_OVERLAYS = ['volume.WT', 'volume.ET', 'features.mahalanobis', 'intensity.T1C.median'];

export async function getMonitoringDashboard(
  opts: DashboardOptions,
): Promise<(Dashboard & { model: { name: string; version: string }; cases: number }) | null> {
  const model = await productionModel();
  if (!model) return null;
  const ref = cachedDriftReference(model.id, model.card);
  const rows = await loadMonitoredCases(model.id);
  const settings = await getDriftSettings();
  return { model: { name: model.name, version: model.version }, cases: rows.length, ...buildDashboard(rows, ref, settings, opts) };
}
