import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { assignToMe, nextQueueCase } from '@/lib/server/labels/queue';
import { createFlag } from '@/lib/server/flags';
import { createCase, createModelVersion, createPrediction, createUserActor } from './db-fixtures';

useTestDb();

async function flagged(mv: string, status?: 'IN_REVIEW') {
  const c = await createCase({ site: 'A' });
  await createPrediction(c.id, mv);
  await createFlag(await createUserActor('PHYSICIAN'), { caseId: c.id, reason: 'BOUNDARY' });
  if (status) await db().label.create({ data: { caseId: c.id, status } });
  return c;
}

describe('the next case in the review queue', () => {
  it('skips the current case, cases claimed by someone else and labels already in review', async () => {
    const mv = (await createModelVersion()).id;
    const [me, other] = [await createUserActor('RADIOLOGIST'), await createUserActor('RADIOLOGIST')];
    const current = await flagged(mv);
    const claimed = await flagged(mv);
    await assignToMe(other, claimed.id);
    await flagged(mv, 'IN_REVIEW');
    const mine = await flagged(mv);
    await assignToMe(me, mine.id);
    expect(await nextQueueCase(me, current.id)).toEqual({ caseId: mine.id, externalId: mine.externalId });
    expect(await nextQueueCase(other, current.id)).toEqual({ caseId: claimed.id, externalId: claimed.externalId });
  });

  it('is null when no other case waits', async () => {
    const me = await createUserActor('RADIOLOGIST');
    const only = await flagged((await createModelVersion()).id);
    await db().case.deleteMany({ where: { id: { not: only.id } } });
    expect(await nextQueueCase(me, only.id)).toBeNull();
  });
});
