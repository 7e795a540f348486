import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { DEFAULT_CRITERIA } from '@/lib/schemas/criteria';
import { ensureDefaultCriteria, getActiveCriteria, listCriteriaVersions, saveCriteriaVersion } from '@/lib/server/evaluation/criteria';
import type { UserActor } from '@/lib/server/auth/session';

useTestDb();

async function user(role: UserActor['role']): Promise<UserActor> {
  const u = await db().user.create({ data: { email: `${role}@crit`, name: role, role, passwordHash: 'x' } });
  return { kind: 'user', id: u.id, email: u.email, name: u.name, role };
}

describe('acceptance criteria versions', () => {
  it('seeds version 1 once, with the defaults, audited', async () => {
    const a = await ensureDefaultCriteria();
    const b = await ensureDefaultCriteria();
    expect(a).toMatchObject({ version: 1, config: DEFAULT_CRITERIA });
    expect(b.id).toBe(a.id);
    expect(await db().acceptanceCriteria.count()).toBe(1);
    expect(await db().auditEvent.count({ where: { action: AUDIT.criteriaCreate, entityId: a.id } })).toBe(1);
  });

  it('each edit by an ML engineer inserts the next version with its author and reason; others are refused', async () => {
    const ml = await user('ML_ENGINEER');
    const config = structuredClone(DEFAULT_CRITERIA);
    config.minimums.ET.dice = 0.55;
    const v2 = await saveCriteriaVersion(ml, { config, reason: 'ET target relaxed after review board' });
    expect(v2).toMatchObject({ version: 2, createdBy: 'ML_ENGINEER', config: { minimums: { ET: { dice: 0.55 } } } });
    expect((await getActiveCriteria()).id).toBe(v2.id);
    const ev = await db().auditEvent.findFirstOrThrow({ where: { entityId: v2.id } });
    expect(ev).toMatchObject({
      actorId: ml.id,
      action: AUDIT.criteriaCreate,
      data: { version: 2, previousVersion: 1, reason: 'ET target relaxed after review board' },
    });
    for (const role of ['RADIOLOGIST', 'PHYSICIAN'] as const) {
      await expect(saveCriteriaVersion(await user(role), { config, reason: 'sneaky change' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const bad = structuredClone(DEFAULT_CRITERIA) as unknown as { regression: { margin: number } };
    bad.regression.margin = -1;
    await expect(saveCriteriaVersion(ml, { config: bad, reason: 'negative margin' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(saveCriteriaVersion(ml, { config, reason: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await listCriteriaVersions()).map((v) => v.version)).toEqual([2, 1]);
  });
});
