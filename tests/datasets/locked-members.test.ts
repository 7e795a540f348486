/**
 * A locked hold-out's ground truth: every read of a member's label or mask (editor state, blob route, version diff)
 * is audited, and a new version on a member whose label is approved is refused with a message saying what to do,
 * changing nothing. (Both were open: a radiologist read a locked member's label through the editor and a physician
 * fetched its mask from /api/blobs unaudited, and a radiologist saved a new version, APPROVED -> DRAFT.)
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { createCase, createUsers, predictionMask, useTempBlobRoot } from '../labels/fixtures';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { createApiToken } from '@/lib/server/auth/tokens';
import { approveLabel, diffLabelVersions, getLabelState, saveLabelVersion, submitForReview } from '@/lib/server/labels';

const request = { authorization: '' };
vi.mock('next/headers', () => ({
  headers: async () => new Headers(request.authorization ? { authorization: request.authorization } : {}),
}));
const { GET } = await import('@/app/api/blobs/[sha256]/route');

useTestDb({ BLOB_ROOT: useTempBlobRoot() });
let users: Awaited<ReturnType<typeof createUsers>>;
let locked: { caseId: string; versionId: string; sha256: string; datasetId: string };
let open: { caseId: string; versionId: string };

async function approvedCase(externalId: string) {
  const caseId = await createCase(externalId);
  const mask = predictionMask();
  mask[0] = 2;
  const v = await saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: null, mask, message: 'corrected', source: 'EDIT' });
  await submitForReview({ actor: users.rad1, caseId, versionId: v.id });
  await approveLabel({ actor: users.rad2, caseId, versionId: v.id });
  return { caseId, versionId: v.id, sha256: v.sha256 };
}

beforeAll(async () => {
  users = await createUsers();
  const member = await approvedCase('LOCKED-1');
  const d = await db().dataset.create({
    data: {
      name: 'holdout-internal',
      kind: 'HOLDOUT_INTERNAL',
      locked: true,
      lockedAt: new Date(),
      members: { create: { caseId: member.caseId } },
    },
  });
  locked = { ...member, datasetId: d.id };
  open = await approvedCase('OPEN-1');
  request.authorization = `Bearer ${await createApiToken(users.physician.id, 'viewer')}`;
});

const reads = async (purpose: string) =>
  (await db().auditEvent.findMany({ where: { action: AUDIT.datasetRead, entityId: locked.datasetId } })).filter(
    (e) => (e.data as { purpose?: string }).purpose === purpose,
  );

describe('locked hold-out members', () => {
  it('the editor state of a member is an audited read; another case is not', async () => {
    await getLabelState(users.rad1, locked.caseId);
    await getLabelState(users.rad1, open.caseId);
    const events = await db().auditEvent.findMany({ where: { action: AUDIT.datasetRead } });
    expect(
      events.map((e) => [
        e.entityId,
        e.actorId,
        (e.data as { purpose: string; caseId: string }).purpose,
        (e.data as { caseId: string }).caseId,
      ]),
    ).toEqual([[locked.datasetId, users.rad1.id, 'EDITOR', locked.caseId]]);
  });

  it("fetching a member's label mask from the blob route is an audited read", async () => {
    const before = await db().auditEvent.count({ where: { action: AUDIT.datasetRead } });
    const r = await GET(new Request(`http://app/api/blobs/${locked.sha256}`), { params: Promise.resolve({ sha256: locked.sha256 }) });
    expect(r.status).toBe(200);
    const after = await db().auditEvent.findMany({ where: { action: AUDIT.datasetRead }, orderBy: { createdAt: 'asc' } });
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({
      entityId: locked.datasetId,
      actorKind: 'api-token:viewer',
      data: { purpose: 'BLOB', caseId: locked.caseId, labelVersionId: locked.versionId },
    });
  });

  it("a diff of a member's versions is an audited read", async () => {
    const model = (await getLabelState(users.rad1, locked.caseId)).versions.find((v) => v.source === 'MODEL')!;
    await diffLabelVersions(users.rad1, locked.caseId, model.id, locked.versionId);
    expect((await reads('DIFF')).length).toBe(2);
  });

  it('a new version on an approved member is refused, saying why and who to ask, and nothing changes', async () => {
    const versionsBefore = await db().labelVersion.count();
    await expect(
      saveLabelVersion({
        actor: users.rad1,
        caseId: locked.caseId,
        parentVersionId: locked.versionId,
        mask: predictionMask(),
        message: 'change',
        source: 'EDIT',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', userMessage: expect.stringMatching(/locked hold-out "holdout-internal".*ML engineer/) });
    expect(await db().labelVersion.count()).toBe(versionsBefore);
    expect((await db().label.findUniqueOrThrow({ where: { caseId: locked.caseId } })).status).toBe('APPROVED');
  });

  it('a case outside locked sets can still be corrected after approval', async () => {
    const v = await saveLabelVersion({
      actor: users.rad1,
      caseId: open.caseId,
      parentVersionId: open.versionId,
      mask: predictionMask(),
      message: 'second look',
      source: 'EDIT',
    });
    expect(v.number).toBeGreaterThan(1);
  });
});
