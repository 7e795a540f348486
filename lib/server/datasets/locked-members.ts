import 'server-only';
import { db, type Db, type Tx } from '../db';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import type { GroundTruthRefs } from '../cases/blob-access';
import { recordLockedReads } from './locked-reads';

/**
 * The ground truth of a locked hold-out's members is what every evaluation on it is measured against: each read of
 * it (editor, blob route, diff) is audited like the evaluation's own reads, and once a member's label is approved
 * it is frozen.
 */
export async function lockedSetsOf(client: Db | Tx, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return client.dataset.findMany({
    where: { locked: true, members: { some: { caseId: { in: caseIds } } } },
    select: { id: true, name: true, locked: true },
  });
}

/** Records a read of a case's label or mask when the case is a member of a locked hold-out; returns the sets. */
export async function recordLockedCaseRead(actor: Actor, caseId: string, purpose: string, labelVersionId?: string): Promise<number> {
  const sets = await lockedSetsOf(db(), [caseId]);
  if (sets.length === 0) return 0;
  return db().$transaction((tx) => recordLockedReads(tx, actor, sets, purpose, { caseId, ...(labelVersionId ? { labelVersionId } : {}) }));
}

/** A blob read: when the file is a label version or reference mask of locked members, the read is audited. */
export async function recordLockedBlobRead(actor: Actor, refs: GroundTruthRefs): Promise<number> {
  let n = 0;
  for (const v of refs.labelVersions) n += await recordLockedCaseRead(actor, v.caseId, 'BLOB', v.id);
  for (const caseId of refs.referenceCaseIds) n += await recordLockedCaseRead(actor, caseId, 'BLOB');
  return n;
}

/**
 * Inside the transaction that would add a label version: refused when the case's approved ground truth belongs to a
 * locked hold-out. (A member whose reading is unfinished may still be labelled and approved: that is how its ground
 * truth comes to exist.)
 */
export async function assertGroundTruthEditable(tx: Tx, caseId: string): Promise<void> {
  const label = await tx.label.findUnique({ where: { caseId }, select: { status: true } });
  if (label?.status !== 'APPROVED') return;
  const sets = await lockedSetsOf(tx, [caseId]);
  if (sets.length === 0) return;
  throw new AppError(
    'CONFLICT',
    `This case's approved ground truth belongs to the locked hold-out ${sets.map((s) => `"${s.name}"`).join(', ')} and cannot change: ` +
      'a locked hold-out is never unlocked, so that every evaluation on it stays comparable. If the label is wrong, tell an ML engineer ' +
      '(or an administrator): they can build a new hold-out set without this case on the Datasets page.',
  );
}
