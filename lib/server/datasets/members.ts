import 'server-only';
import { db, type Tx } from '../db';
import { AUDIT, recordAudit } from '../audit';
import { AppError } from '../errors';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { HOLDOUT_KINDS } from './snapshot';
import { recordLockedReads } from './locked-reads';

/** Only the fixed hold-outs lock: the drifter hold-out grows with every retraining, the training set always grows. */
export const LOCKABLE_KINDS = ['HOLDOUT_INTERNAL', 'HOLDOUT_EXTERNAL'] as const;

export interface MembershipChangeDto {
  datasetId: string;
  added: number;
  alreadyMembers: number;
}

async function loadDataset(tx: Tx, datasetId: string) {
  const d = await tx.dataset.findUnique({ where: { id: datasetId } });
  if (!d) throw new AppError('NOT_FOUND', 'No such dataset.');
  return d;
}

/**
 * Adds cases to a dataset. Refused for a locked set (membership frozen) and for any move that would let a case be
 * both trained on and held out: a hold-out case cannot join TRAIN, a training case cannot join a hold-out.
 */
export async function addCasesToDataset(
  actor: Actor,
  input: { datasetId: string; caseIds?: string[]; externalIds?: string[]; unapprovedConfirmed?: string[] },
  client?: Tx,
): Promise<MembershipChangeDto> {
  await authorize(actor, 'dataset:manage');
  const work = async (tx: Tx) => {
    const d = await loadDataset(tx, input.datasetId);
    await holdUnlocked(tx, d);
    const caseIds = await resolveCaseIds(tx, input.caseIds ?? [], input.externalIds ?? []);
    const otherKinds = d.kind === 'TRAIN' ? [...HOLDOUT_KINDS] : ['TRAIN' as const];
    const clash = await tx.datasetMember.findFirst({
      where: { caseId: { in: caseIds }, dataset: { kind: { in: otherKinds } } },
      include: { dataset: true, case: true },
    });
    if (clash)
      throw new AppError(
        'CONFLICT',
        `Case ${clash.case.externalId} is already in "${clash.dataset.name}" (${clash.dataset.kind}); a case is either trained on or held out, never both.`,
      );
    const existing = await tx.datasetMember.findMany({ where: { datasetId: d.id, caseId: { in: caseIds } }, select: { caseId: true } });
    const have = new Set(existing.map((m) => m.caseId));
    const fresh = caseIds.filter((id) => !have.has(id));
    if (fresh.length) await tx.datasetMember.createMany({ data: fresh.map((caseId) => ({ datasetId: d.id, caseId })) });
    const confirmed = input.unapprovedConfirmed?.filter((id) => fresh.includes(id));
    await recordAudit(tx, {
      actor,
      action: AUDIT.datasetMembersAdd,
      entityId: d.id,
      data: confirmed?.length ? { caseIds: fresh, unapprovedConfirmed: confirmed } : { caseIds: fresh },
    });
    return { datasetId: d.id, added: fresh.length, alreadyMembers: have.size };
  };
  return client ? work(client) : db().$transaction(work);
}

/**
 * Refuses a locked dataset, and holds its row until this transaction ends (a write that changes nothing still takes
 * the row lock): on PostgreSQL's READ COMMITTED a concurrent lockDataset would otherwise commit between our check
 * and our insert, and the locked set would gain a member after its lock was audited. Now the lock waits for us, or
 * we see it and are refused.
 */
async function holdUnlocked(tx: Tx, d: { id: string; name: string }): Promise<void> {
  const { count } = await tx.dataset.updateMany({ where: { id: d.id, locked: false }, data: { locked: false } });
  if (count === 0) throw new AppError('CONFLICT', `Dataset "${d.name}" is locked: its membership is frozen.`);
}

async function resolveCaseIds(tx: Tx, caseIds: string[], externalIds: string[]): Promise<string[]> {
  const ids = new Set(caseIds);
  if (caseIds.length && (await tx.case.count({ where: { id: { in: [...ids] } } })) !== ids.size) {
    throw new AppError('NOT_FOUND', 'Some of these cases do not exist.');
  }
  if (externalIds.length) {
    const wanted = [...new Set(externalIds)];
    const rows = await tx.case.findMany({ where: { externalId: { in: wanted } }, select: { id: true, externalId: true } });
    const missing = wanted.filter((e) => !rows.some((r) => r.externalId === e));
    if (missing.length) throw new AppError('NOT_FOUND', `No case ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}.`);
    for (const r of rows) ids.add(r.id);
  }
  return [...ids];
}

export async function removeCaseFromDataset(actor: Actor, input: { datasetId: string; caseId: string }): Promise<void> {
  await authorize(actor, 'dataset:manage');
  await db().$transaction(async (tx) => {
    const d = await loadDataset(tx, input.datasetId);
    await holdUnlocked(tx, d);
    const { count } = await tx.datasetMember.deleteMany({ where: { datasetId: d.id, caseId: input.caseId } });
    if (count === 0) throw new AppError('NOT_FOUND', 'That case is not in this dataset.');
    await recordAudit(tx, { actor, action: AUDIT.datasetMembersRemove, entityId: d.id, data: { caseId: input.caseId } });
  });
}

/** Locking is one-way: a hold-out that could be unlocked could quietly be trained on. */
export async function lockDataset(actor: Actor, datasetId: string): Promise<{ lockedAt: string }> {
  await authorize(actor, 'dataset:manage');
  return db().$transaction(async (tx) => {
    const d = await loadDataset(tx, datasetId);
    if (!(LOCKABLE_KINDS as readonly string[]).includes(d.kind)) {
      throw new AppError('CONFLICT', `Only hold-out sets can be locked; "${d.name}" is ${d.kind} and grows with every retraining.`);
    }
    if (d.locked) return { lockedAt: d.lockedAt!.toISOString() };
    const { count } = await tx.dataset.updateMany({ where: { id: d.id, locked: false }, data: { locked: true, lockedAt: new Date() } });
    const after = await loadDataset(tx, d.id);
    if (count)
      await recordAudit(tx, {
        actor,
        action: AUDIT.datasetLock,
        entityId: d.id,
        data: { members: await tx.datasetMember.count({ where: { datasetId: d.id } }) },
      });
    return { lockedAt: after.lockedAt!.toISOString() };
  });
}

export interface DatasetMemberDto {
  caseId: string;
  externalId: string;
  site: string | null;
  labelStatus: string | null;
  addedAt: string;
}

/** Member list; reading a locked hold-out is recorded (who looked at the hold-out, and when). */
export async function listDatasetMembers(actor: Actor, datasetId: string): Promise<DatasetMemberDto[]> {
  await authorize(actor, 'dataset:view');
  return db().$transaction(async (tx) => {
    const d = await loadDataset(tx, datasetId);
    const rows = await tx.datasetMember.findMany({
      where: { datasetId },
      include: { case: { include: { label: { select: { status: true } } } } },
      orderBy: { addedAt: 'asc' },
    });
    await recordLockedReads(tx, actor, [d], 'LIST', { members: rows.length });
    return rows.map((m) => ({
      caseId: m.caseId,
      externalId: m.case.externalId,
      site: m.case.site,
      labelStatus: m.case.label?.status ?? null,
      addedAt: m.addedAt.toISOString(),
    }));
  });
}
