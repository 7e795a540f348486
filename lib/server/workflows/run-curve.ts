import 'server-only';
import { blobs } from '../blobs';
import { curveFromHistory, EMPTY_CURVE, storedCurve, type RunCurveDto } from './curve';

/** What of a run row its curve comes from. */
export interface CurveSource {
  id: string;
  status: string;
  curve: unknown;
  params: unknown;
}

/** The metrics.json blob a succeeded run stored (ingest.ts writes it under params.artefacts.metrics). */
function metricsKey(params: unknown): string | null {
  const key = (params as { artefacts?: { metrics?: { key?: unknown } | null } } | null)?.artefacts?.metrics?.key;
  return typeof key === 'string' ? key : null;
}

/**
 * The points the runner stored while the trainer reported them; when there are none (the trainer ran on GitHub
 * Actions, where only its upload reaches the app) the per-epoch history of the run's metrics.json.
 */
export async function runCurve(run: CurveSource): Promise<RunCurveDto> {
  const stored = storedCurve(run.curve);
  if (stored.points.length) return { x: 'step', ...stored };
  const key = run.status === 'SUCCEEDED' ? metricsKey(run.params) : null;
  if (!key) return EMPTY_CURVE;
  try {
    return curveFromHistory(JSON.parse(Buffer.from(await blobs().get(key)).toString('utf8')));
  } catch (err) {
    // a missing or unreadable metrics file costs the chart, never the run page
    console.error(`[run ${run.id}] metrics.json unreadable for its curve`, err);
    return EMPTY_CURVE;
  }
}
