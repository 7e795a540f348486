import 'server-only';
import type { Tx } from '../db';
import { AUDIT, recordAudit, type AuditDataInput } from '../audit';
import type { Actor } from '../auth/actor';

/**
 * Every read of a locked hold-out is recorded: who read it, for what (LIST, EVALUATION, EXPORT, ...), in which
 * context. Call inside the transaction of the read's own state change when there is one. Unlocked sets are ignored.
 */
export async function recordLockedReads(
  tx: Tx,
  actor: Actor,
  datasets: { id: string; locked: boolean }[],
  purpose: string,
  data: Omit<AuditDataInput<typeof AUDIT.datasetRead>, 'purpose'> = {},
): Promise<number> {
  const locked = datasets.filter((d) => d.locked);
  for (const d of locked) await recordAudit(tx, { actor, action: AUDIT.datasetRead, entityId: d.id, data: { purpose, ...data } });
  return locked.length;
}
