import 'server-only';
import { db } from '../../db';
import { AUDIT, parseAuditData } from '../../audit';
import { holdoutLeakage } from '../../evaluation/cases';
import type { LineageEvidence } from './types';

function tally(names: string[]): { name: string; n: number }[] {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, n]) => ({ name, n }));
}

/**
 * Data lineage: the training snapshot (hash, splits), who drew and who approved its labels, the locked hold-out sets,
 * and the proof that no hold-out case was in the snapshot's training splits.
 *
 * The reviewer of a snapshot's label version is read from that label's `label.approve` audit event for the version
 * (the Label row only holds the current reviewer, and a label may have been edited since the snapshot).
 */
export async function lineageEvidence(snapshotId: string | null): Promise<LineageEvidence> {
  const snapshot = snapshotId ? await db().datasetSnapshot.findUnique({ where: { id: snapshotId } }) : null;
  const items = snapshot
    ? await db().snapshotItem.findMany({
        where: { snapshotId: snapshot.id },
        select: { split: true, labelVersionId: true, labelVersion: { select: { labelId: true, author: { select: { name: true } } } } },
      })
    : [];
  const splits: Record<string, number> = {};
  for (const i of items) splits[i.split] = (splits[i.split] ?? 0) + 1;
  const approvals = items.length
    ? await db().auditEvent.findMany({
        where: {
          action: AUDIT.labelApprove,
          entityType: 'Label',
          entityId: { in: [...new Set(items.map((i) => i.labelVersion.labelId))] },
        },
        select: { data: true, actor: { select: { name: true } } },
      })
    : [];
  const approvedBy = new Map<string, string>();
  for (const a of approvals) {
    const versionId = parseAuditData(AUDIT.labelApprove, a.data)?.versionId;
    if (versionId && a.actor) approvedBy.set(versionId, a.actor.name);
  }
  const reviewers = items.map((i) => approvedBy.get(i.labelVersionId) ?? '(no recorded approval)');
  const holdouts = await db().dataset.findMany({
    where: { kind: { in: ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL', 'DRIFTER'] } },
    orderBy: [{ kind: 'asc' }, { name: 'asc' }],
    include: { _count: { select: { members: true } } },
  });
  return {
    snapshot: snapshot
      ? {
          id: snapshot.id,
          name: snapshot.name,
          sha256: snapshot.sha256,
          caseCount: snapshot.caseCount,
          createdAt: snapshot.createdAt.toISOString(),
          splits,
        }
      : null,
    labelAuthors: tally(items.map((i) => i.labelVersion.author.name)).map(({ name, n }) => ({ name, versions: n })),
    reviewers: tally(reviewers).map(({ name, n }) => ({ name, labels: n })),
    holdoutSets: holdouts.map((d) => ({
      name: d.name,
      kind: d.kind,
      locked: d.locked,
      lockedAt: d.lockedAt?.toISOString() ?? null,
      members: d._count.members,
    })),
    leakage: await holdoutLeakage(snapshotId),
  };
}
