import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { AppError } from '@/lib/server/errors';
import { assignToMe, listReviewQueue, listQueueSites, unassign } from '@/lib/server/labels/queue';
import { createFlag } from '@/lib/server/flags';
import { createCase, createDriftReport, createModelVersion, createPrediction, createUserActor } from './db-fixtures';

useTestDb();

/** A case with a returned production prediction, an optional drift report and optional flags. */
async function queued(
  mv: string,
  opts: { site?: string; score?: number; flags?: ('MISSED_LESION' | 'BOUNDARY')[]; approved?: boolean } = {},
) {
  const c = await createCase({ site: opts.site ?? 'A' });
  const p = await createPrediction(c.id, mv);
  if (opts.score != null) await createDriftReport(c.id, p.id, opts.score);
  const physician = await createUserActor('PHYSICIAN');
  for (const reason of opts.flags ?? []) await createFlag(physician, { caseId: c.id, reason });
  if (opts.approved) await db().label.create({ data: { caseId: c.id, status: 'APPROVED' } });
  return c;
}

describe('review queue', () => {
  it('lists flagged cases first, then drifters by score, and leaves out approved and unremarkable cases', async () => {
    const mv = (await createModelVersion()).id;
    const flagged = await queued(mv, { flags: ['MISSED_LESION'] });
    const flaggedDrifter = await queued(mv, { flags: ['BOUNDARY'], score: 1.2, site: 'B' });
    const strong = await queued(mv, { score: 6 });
    const weak = await queued(mv, { score: 2, site: 'B' });
    await queued(mv, { score: 0.3 }); // not a drifter, not flagged
    await queued(mv, { flags: ['MISSED_LESION'], approved: true }); // already has ground truth
    const ids = (await listReviewQueue()).map((i) => i.caseId);
    expect(ids).toEqual([flaggedDrifter.id, flagged.id, strong.id, weak.id]);
  });

  it('filters by reason (a flag reason or drift) and by site', async () => {
    const all = await listReviewQueue();
    const drift = await listReviewQueue({ reason: 'DRIFT' });
    expect(drift.every((i) => i.isDrifter)).toBe(true);
    expect(drift).toHaveLength(3);
    const missed = await listReviewQueue({ reason: 'MISSED_LESION' });
    expect(missed).toHaveLength(1);
    expect(missed[0].flagReasons).toEqual(['MISSED_LESION']);
    const siteB = await listReviewQueue({ site: 'B' });
    expect(siteB.map((i) => i.site)).toEqual(['B', 'B']);
    expect(all.length).toBe(4);
    expect(await listQueueSites()).toEqual(['A', 'B']);
  });
});

describe('assignment', () => {
  it('gives a case to exactly one of two radiologists claiming it at once', async () => {
    const mv = (await createModelVersion()).id;
    const [r1, r2] = [await createUserActor('RADIOLOGIST', 'Rad One'), await createUserActor('RADIOLOGIST', 'Rad Two')];
    for (let round = 0; round < 5; round++) {
      const c = await queued(mv, { score: 3 });
      const results = await Promise.allSettled([assignToMe(r1, c.id), assignToMe(r2, c.id)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(AppError);
      expect((lost[0].reason as AppError).code).toBe('CONFLICT');
      const winner = (won[0] as PromiseFulfilledResult<{ assigneeId: string }>).value.assigneeId;
      expect((await db().case.findUniqueOrThrow({ where: { id: c.id } })).assigneeId).toBe(winner);
      expect(await db().auditEvent.count({ where: { entityId: c.id, action: AUDIT.caseAssign } })).toBe(1);
      expect((lost[0].reason as AppError).userMessage).toMatch(new RegExp(`assigned to ${winner === r1.id ? 'Rad One' : 'Rad Two'}`));
    }
  });

  it('treats claiming a case one holds as a no-op and lets only the holder or an admin release it', async () => {
    const mv = (await createModelVersion()).id;
    const [holder, other, admin] = [
      await createUserActor('RADIOLOGIST'),
      await createUserActor('RADIOLOGIST'),
      await createUserActor('ADMIN'),
    ];
    const c = await queued(mv, { score: 3 });
    await assignToMe(holder, c.id);
    await assignToMe(holder, c.id);
    expect(await db().auditEvent.count({ where: { entityId: c.id, action: AUDIT.caseAssign } })).toBe(1);
    expect((await listReviewQueue({ assignment: 'mine', userId: holder.id })).map((i) => i.caseId)).toEqual([c.id]);
    expect((await listReviewQueue({ assignment: 'unassigned' })).map((i) => i.caseId)).not.toContain(c.id);
    await expect(unassign(other, c.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await unassign(admin, c.id);
    expect((await db().case.findUniqueOrThrow({ where: { id: c.id } })).assigneeId).toBeNull();
    await expect(unassign(holder, c.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await assignToMe(other, c.id);
    await unassign(other, c.id);
    expect(await db().auditEvent.count({ where: { entityId: c.id, action: AUDIT.caseUnassign } })).toBe(2);
  });

  it('refuses an unknown case', async () => {
    const r = await createUserActor('RADIOLOGIST');
    await expect(assignToMe(r, 'no-such-case')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
