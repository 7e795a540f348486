import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { regionDice } from '@/lib/editor/stats';
import {
  approveLabel,
  getApprovedLabel,
  getLabelState,
  readLabelVersionMask,
  restoreLabelVersion,
  returnLabel,
  saveLabelVersion,
  SINGLE_READER_SETTING,
  submitForReview,
} from '@/lib/server/labels';
import { at, createCase, createUsers, predictionMask, useTempBlobRoot } from './fixtures';
import { SYSTEM } from '@/lib/server/auth/actor';

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

let users: Awaited<ReturnType<typeof createUsers>>;
beforeAll(async () => {
  users = await createUsers();
});

/** rad1 corrects the prediction: removes the ET slab and adds a little edema. */
async function correctedCase(externalId: string) {
  const caseId = await createCase(externalId);
  const mask = predictionMask().map((v) => (v === 3 ? 1 : v));
  for (let x = 0; x < 6; x++) mask[at(x, 1, 1)] = 2;
  const v = await saveLabelVersion({ actor: users.rad1, caseId, parentVersionId: null, mask, source: 'EDIT', message: 'corrected' });
  return { caseId, versionId: v.id, mask };
}

const actions = async (entityId: string) =>
  (await db().auditEvent.findMany({ where: { entityId }, orderBy: { createdAt: 'asc' } })).map((e) => e.action);

describe('review', () => {
  it('submit -> approve by a second radiologist stores the ground truth and the Dice against the prediction', async () => {
    const { caseId, versionId, mask } = await correctedCase('REV-APPROVE');
    expect(await getApprovedLabel(caseId)).toBeNull();
    expect((await submitForReview({ actor: users.rad1, caseId, versionId })).status).toBe('IN_REVIEW');
    await expect(approveLabel({ actor: users.rad1, caseId, versionId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const approved = await approveLabel({ actor: users.rad2, caseId, versionId });
    expect(approved.status).toBe('APPROVED');
    const expected = regionDice(predictionMask(), mask);
    expect(expected.ET).toBe(0); // the ET slab was removed: a real disagreement, not a trivial 1
    expect(approved.approvalDice).toMatchObject({ WT: expected.WT, TC: expected.TC, ET: expected.ET, modelVersion: 'test-model@1.0.0' });
    const gt = await getApprovedLabel(caseId);
    expect(gt).toMatchObject({ versionId, reviewerId: users.rad2.id });
    expect(Buffer.compare(Buffer.from(await readLabelVersionMask(caseId, gt!.versionId)), Buffer.from(mask))).toBe(0);
    const labelId = (await getLabelState(SYSTEM, caseId)).label!.id;
    expect(await actions(labelId)).toEqual([AUDIT.labelCreate, AUDIT.labelSubmit, AUDIT.labelApprove]);
    const approveEvent = await db().auditEvent.findFirstOrThrow({ where: { entityId: labelId, action: AUDIT.labelApprove } });
    expect(approveEvent.actorId).toBe(users.rad2.id);
  });

  it('return needs a comment, sends the label back, and a resubmitted label can then be approved', async () => {
    const { caseId, versionId } = await correctedCase('REV-RETURN');
    await submitForReview({ actor: users.rad1, caseId, versionId });
    await expect(returnLabel({ actor: users.rad2, caseId, versionId, comment: '  ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const returned = await returnLabel({ actor: users.rad2, caseId, versionId, comment: 'ET missing posteriorly' });
    expect(returned).toMatchObject({ status: 'RETURNED', reviewComment: 'ET missing posteriorly' });
    await expect(approveLabel({ actor: users.rad2, caseId, versionId })).rejects.toMatchObject({ code: 'CONFLICT' });
    // the author fixes it: a new version makes the label a draft again
    const fixed = await saveLabelVersion({
      actor: users.rad1,
      caseId,
      parentVersionId: versionId,
      mask: predictionMask(),
      source: 'EDIT',
      message: 'fixed',
    });
    expect((await getLabelState(SYSTEM, caseId)).label?.status).toBe('DRAFT');
    await expect(submitForReview({ actor: users.rad1, caseId, versionId })).rejects.toMatchObject({ code: 'CONFLICT' }); // stale head
    await submitForReview({ actor: users.rad1, caseId, versionId: fixed.id });
    expect((await approveLabel({ actor: users.rad2, caseId, versionId: fixed.id })).approvalDice).toMatchObject({ WT: 1, TC: 1, ET: 1 });
  });

  it('refuses an approval by anyone who edited the chain, unless single-reader mode is on', async () => {
    const { caseId, versionId } = await correctedCase('REV-SELF');
    // rad2 makes one edit on top of rad1's: now neither may approve
    const base = await readLabelVersionMask(caseId, versionId);
    base[at(0, 0, 0)] = 2;
    const v2 = await saveLabelVersion({ actor: users.rad2, caseId, parentVersionId: versionId, mask: base, source: 'EDIT' });
    await submitForReview({ actor: users.rad2, caseId, versionId: v2.id });
    await expect(approveLabel({ actor: users.rad2, caseId, versionId: v2.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(approveLabel({ actor: users.rad1, caseId, versionId: v2.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await getLabelState(SYSTEM, caseId)).label?.status).toBe('IN_REVIEW');
    await db().setting.create({ data: { key: SINGLE_READER_SETTING, value: true } });
    try {
      expect((await getLabelState(SYSTEM, caseId)).singleReader).toBe(true);
      expect((await approveLabel({ actor: users.rad1, caseId, versionId: v2.id })).status).toBe('APPROVED');
    } finally {
      await db().setting.delete({ where: { key: SINGLE_READER_SETTING } });
    }
  });

  it("restoring a colleague's branch does not let that colleague approve their own voxels", async () => {
    const { caseId, versionId: v2, mask } = await correctedCase('REV-RESTORE'); // rad1's v2 on the model's v1
    const v1 = (await getLabelState(SYSTEM, caseId)).versions.find((v) => v.number === 1)!;
    // rad2 saved on the stale v1 and kept the work as a branch (v3); rad1 restores that branch as the head (v4)
    const theirs = mask.slice();
    for (let x = 0; x < 4; x++) theirs[at(x, 3, 3)] = 3;
    const branch = await saveLabelVersion({
      actor: users.rad2,
      caseId,
      parentVersionId: v1.id,
      mask: theirs,
      source: 'EDIT',
      message: 'mine',
      asBranch: true,
    });
    const restored = await restoreLabelVersion({ actor: users.rad1, caseId, versionId: branch.id, parentVersionId: v2 });
    expect(restored).toMatchObject({ number: 4, isHead: true });
    await submitForReview({ actor: users.rad1, caseId, versionId: restored.id });
    await expect(approveLabel({ actor: users.rad2, caseId, versionId: restored.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(approveLabel({ actor: users.rad1, caseId, versionId: restored.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it("a reader who only saved the model's own prediction (a branch restoring v1) may still approve", async () => {
    const { caseId, versionId } = await correctedCase('REV-MODEL-TWIN');
    const v1 = (await getLabelState(SYSTEM, caseId)).versions.find((v) => v.number === 1)!;
    await saveLabelVersion({
      actor: users.rad2,
      caseId,
      parentVersionId: v1.id,
      mask: predictionMask(),
      source: 'EDIT',
      message: 'back to the model',
      asBranch: true,
    });
    await submitForReview({ actor: users.rad1, caseId, versionId });
    expect((await approveLabel({ actor: users.rad2, caseId, versionId })).status).toBe('APPROVED');
  });

  it('a new version on an approved label withdraws the ground truth until it is approved again', async () => {
    const { caseId, versionId, mask } = await correctedCase('REV-REOPEN');
    await submitForReview({ actor: users.rad1, caseId, versionId });
    await approveLabel({ actor: users.rad2, caseId, versionId });
    const v = await saveLabelVersion({
      actor: users.rad1,
      caseId,
      parentVersionId: versionId,
      mask: mask.map((x) => (x === 2 ? 0 : x)),
      source: 'EDIT',
    });
    expect(await getApprovedLabel(caseId)).toBeNull();
    const state = await getLabelState(SYSTEM, caseId);
    expect(state.label).toMatchObject({ status: 'DRAFT', headVersionId: v.id, approvalDice: null, approvedAt: null });
    expect(await actions(state.label!.id)).toContain(AUDIT.labelStatus);
  });

  it('physicians can neither submit nor decide', async () => {
    const { caseId, versionId } = await correctedCase('REV-PHYS');
    await expect(submitForReview({ actor: users.physician, caseId, versionId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await submitForReview({ actor: users.rad1, caseId, versionId });
    await expect(approveLabel({ actor: users.physician, caseId, versionId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(returnLabel({ actor: users.physician, caseId, versionId, comment: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
