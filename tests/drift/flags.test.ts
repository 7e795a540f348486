import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { createFlag, listFlags } from '@/lib/server/flags';
import { createCase, createModelVersion, createPrediction, createUserActor } from './db-fixtures';

useTestDb();

describe('flags', () => {
  it('records the flag on the returned prediction, attributed to its author, with an audit event', async () => {
    const mv = await createModelVersion();
    const c = await createCase();
    await createPrediction(c.id, mv.id, { returned: false, role: 'SHADOW' });
    const shown = await createPrediction(c.id, (await createModelVersion(undefined, 'CANDIDATE')).id, { returned: true });
    const physician = await createUserActor('PHYSICIAN', 'Dr Flag');
    const f = await createFlag(physician, { caseId: c.id, reason: 'MISSED_LESION', note: '  lesion in the left temporal lobe  ' });
    expect(f).toMatchObject({
      caseId: c.id,
      predictionId: shown.id,
      reason: 'MISSED_LESION',
      note: 'lesion in the left temporal lobe',
      author: { name: 'Dr Flag', role: 'PHYSICIAN' },
    });
    expect(f.model).toMatch(/^tumorwatch-seg 1\.0\.\d+$/);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: c.id, action: AUDIT.caseFlag } });
    expect(audit.actorId).toBe(physician.id);
    expect(audit.data).toMatchObject({ flagId: f.id, reason: 'MISSED_LESION', predictionId: shown.id });
  });

  it('refuses a prediction of another case and an unknown case, storing nothing', async () => {
    const mv = await createModelVersion();
    const [a, b] = [await createCase(), await createCase()];
    const pb = await createPrediction(b.id, mv.id);
    const u = await createUserActor('RADIOLOGIST');
    const before = await db().flag.count();
    await expect(createFlag(u, { caseId: a.id, predictionId: pb.id, reason: 'BOUNDARY' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(createFlag(u, { caseId: 'nope', reason: 'BOUNDARY' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createFlag(u, { caseId: a.id, reason: 'NOT_A_REASON' as never })).rejects.toThrow();
    expect(await db().flag.count()).toBe(before);
  });

  it('lists a case\u2019s flags newest first; a case without predictions can still be flagged', async () => {
    const c = await createCase();
    const u = await createUserActor('PHYSICIAN');
    const first = await createFlag(u, { caseId: c.id, reason: 'OTHER', note: 'first' });
    const second = await createFlag(u, { caseId: c.id, reason: 'WRONG_LABEL' });
    expect(first.predictionId).toBeNull();
    const list = await listFlags(c.id);
    expect(list.map((f) => f.id)).toEqual([second.id, first.id]);
  });
});
