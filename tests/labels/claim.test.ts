/**
 * A case claimed from the review queue: another radiologist's save is refused (CLAIMED) with nothing stored, unless
 * they take it over explicitly, which moves the claim and is audited. (It used to save silently over the claim.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { createCase, createUsers, predictionMask, useTempBlobRoot } from './fixtures';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { saveLabelVersion } from '@/lib/server/labels';
import { assignToMe } from '@/lib/server/labels/queue';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });
let users: Awaited<ReturnType<typeof createUsers>>;
beforeAll(async () => {
  users = await createUsers();
});

const edit = (n: number) => {
  const m = predictionMask();
  m[n] = 1;
  return m;
};

describe('saving on a claimed case', () => {
  it('is refused for another radiologist, storing nothing, and taken over only when they say so', async () => {
    const caseId = await createCase('CLAIMED-1');
    await assignToMe(users.rad1, caseId);
    await expect(
      saveLabelVersion({ actor: users.rad2, caseId, parentVersionId: null, mask: edit(1), source: 'EDIT', message: 'mine' }),
    ).rejects.toMatchObject({ code: 'CLAIMED', status: 409, userMessage: expect.stringContaining('Rad One has claimed this case') });
    expect(await db().labelVersion.count({ where: { label: { caseId } } })).toBe(0);
    const v = await saveLabelVersion({
      actor: users.rad2,
      caseId,
      parentVersionId: null,
      mask: edit(1),
      source: 'EDIT',
      message: 'mine',
      takeOver: true,
    });
    expect(v.number).toBe(2);
    expect((await db().case.findUniqueOrThrow({ where: { id: caseId } })).assigneeId).toBe(users.rad2.id);
    const ev = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.caseTakeover, entityId: caseId } });
    expect(ev).toMatchObject({ actorId: users.rad2.id, data: { previousAssigneeId: users.rad1.id, assigneeId: users.rad2.id } });
    // now the first reader is the one who must take it back
    await expect(
      saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: v.id, mask: edit(2), source: 'EDIT', message: 'back' }),
    ).rejects.toMatchObject({ code: 'CLAIMED' });
  });

  it("the holder saves as before, and an unclaimed case is anyone's to save", async () => {
    const claimed = await createCase('CLAIMED-2');
    await assignToMe(users.rad1, claimed);
    expect(
      (await saveLabelVersion({ actor: users.rad1, caseId: claimed, parentVersionId: null, mask: edit(3), source: 'EDIT', message: 'ok' }))
        .number,
    ).toBe(2);
    const free = await createCase('FREE-1');
    expect(
      (await saveLabelVersion({ actor: users.rad2, caseId: free, parentVersionId: null, mask: edit(4), source: 'EDIT', message: 'ok' }))
        .number,
    ).toBe(2);
    expect(await db().auditEvent.count({ where: { action: AUDIT.caseTakeover, entityId: { in: [claimed, free] } } })).toBe(0);
  });
});
