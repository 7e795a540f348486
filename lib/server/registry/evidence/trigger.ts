import 'server-only';
import { db } from '../../db';
import { problematicCases } from '../../evaluation/cases';
import type { ModelRef } from '../../evaluation/queries';
import type { TriggerEvidence } from './types';

/**
 * What triggered the change: what the production model met in the clinic between its own promotion and the start of
 * the candidate's training (drifters, physician flags), and how many of those cases the training snapshot used.
 */
export async function triggerEvidence(
  candidate: { snapshotId: string | null; trainingRunId: string | null },
  /** the model the candidate replaces (replaced.ts): what it met in the clinic is the trigger */
  production: ModelRef | null,
): Promise<TriggerEvidence> {
  const run = candidate.trainingRunId ? await db().workflowRun.findUnique({ where: { id: candidate.trainingRunId } }) : null;
  const to = run?.createdAt ?? new Date();
  const predictions = production
    ? await db().prediction.findMany({
        where: { modelVersionId: production.id, role: 'PRODUCTION', returned: true, createdAt: { lte: to } },
        orderBy: { createdAt: 'asc' },
        select: {
          createdAt: true,
          driftReport: { select: { isDrifter: true, score: true, checks: true } },
          flags: { select: { reason: true } },
        },
      })
    : [];
  const from = predictions[0]?.createdAt ?? null;
  const reports = predictions.map((p) => p.driftReport).filter((r) => r !== null);
  const drifters = reports.filter((r) => r.isDrifter).length;
  const reasonCounts = new Map<string, number>();
  // Grouped by check kind (the free-text reasons carry each case's own numbers, so they never repeat).
  for (const r of reports.filter((x) => x.isDrifter)) {
    const checks = Array.isArray(r.checks) ? (r.checks as { kind?: unknown; label?: unknown; verdict?: unknown }[]) : [];
    for (const c of checks.filter((x) => x.verdict === 'fail')) {
      const key = String(c.label ?? c.kind);
      reasonCounts.set(key, (reasonCounts.get(key) ?? 0) + 1);
    }
  }
  const flags = predictions.flatMap((p) => p.flags);
  const flagsByReason: Record<string, number> = {};
  for (const f of flags) flagsByReason[f.reason] = (flagsByReason[f.reason] ?? 0) + 1;
  const problematic = await problematicCases(candidate.snapshotId);
  return {
    production,
    window: { from: from?.toISOString() ?? null, to: to.toISOString() },
    casesServed: predictions.length,
    withDriftReport: reports.length,
    drifters,
    drifterRate: reports.length ? drifters / reports.length : null,
    meanDriftScore: reports.length ? reports.reduce((s, r) => s + r.score, 0) / reports.length : null,
    topDriftReasons: [...reasonCounts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([reason, count]) => ({ reason, count })),
    flags: flags.length,
    flaggedCases: predictions.filter((p) => p.flags.length > 0).length,
    flagsByReason,
    problematicCases: problematic.length,
    triggeringCases: problematic.map((c) => c.externalId),
    runParams: run?.params ?? null,
  };
}
