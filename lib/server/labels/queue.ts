import 'server-only';
import { db } from '../db';

export interface ReviewQueueItemDto {
  caseId: string;
  externalId: string;
  site: string | null;
  flagCount: number;
  flagReasons: string[];
  driftScore: number | null;
  isDrifter: boolean;
  labelStatus: string | null;
  assignee: string | null;
  createdAt: string;
}

/**
 * Cases that need a human: drifters and flagged cases without approved ground truth, flagged first, then by drift
 * score (highest first), so the most suspicious predictions are corrected first.
 */
export async function listReviewQueue(filter: { reason?: string; site?: string } = {}): Promise<ReviewQueueItemDto[]> {
  const rows = await db().case.findMany({
    where: {
      site: filter.site || undefined,
      OR: [{ flags: { some: {} } }, { driftReports: { some: { isDrifter: true } } }],
      NOT: { label: { status: 'APPROVED' } },
      ...(filter.reason ? { flags: { some: { reason: filter.reason as never } } } : {}),
    },
    include: {
      flags: { select: { reason: true } },
      driftReports: { select: { score: true, isDrifter: true }, orderBy: { createdAt: 'desc' }, take: 1 },
      label: { select: { status: true } },
      assignee: { select: { email: true } },
    },
    take: 500,
  });
  const items = rows.map((c) => ({
    caseId: c.id,
    externalId: c.externalId,
    site: c.site,
    flagCount: c.flags.length,
    flagReasons: [...new Set(c.flags.map((f) => f.reason))],
    driftScore: c.driftReports[0]?.score ?? null,
    isDrifter: c.driftReports[0]?.isDrifter ?? false,
    labelStatus: c.label?.status ?? null,
    assignee: c.assignee?.email ?? null,
    createdAt: c.createdAt.toISOString(),
  }));
  return items.sort((a, b) => Number(b.flagCount > 0) - Number(a.flagCount > 0) || (b.driftScore ?? 0) - (a.driftScore ?? 0));
}
