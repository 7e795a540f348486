import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { listCaseFacts, seedListRows, type ListRows } from '../support/list-rows';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { AppError } from '@/lib/server/errors';
import { getDatasetDetail, listDatasetMembersPage, type MemberSort } from '@/lib/server/datasets/member-list';
import { pickCasesForDataset } from '@/lib/server/datasets/pick';
import { lockDataset, removeCaseFromDataset } from '@/lib/server/datasets/members';
import type { ListParams } from '@/lib/lists';
import { createUser } from './fixtures';

useTestDb();

const N = 40;
const facts = Array.from({ length: N }, (_, i) => listCaseFacts(i));
const members = facts.filter((f) => f.inTrainingSet);
const list = (sort: MemberSort, over: Partial<ListParams<MemberSort>> = {}): ListParams<MemberSort> => ({
  page: 1,
  pageSize: 100,
  q: '',
  sort,
  dir: 'asc',
  ...over,
});
let rows: ListRows;
let ml: Awaited<ReturnType<typeof createUser>>;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const auditOf = (datasetId: string) =>
  db().auditEvent.findMany({
    where: { entityId: datasetId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { action: true, data: true },
  });

beforeAll(async () => {
  rows = await seedListRows(N);
  ml = await createUser('ml@lists.test', 'ML_ENGINEER');
});

describe('a dataset page', () => {
  it('counts members by label state', async () => {
    const d = await getDatasetDetail(ml, rows.datasetId);
    expect(d.members).toBe(members.length);
    expect(d.labelStates).toEqual({
      APPROVED: members.filter((f) => f.label === 'APPROVED').length,
      DRAFT: members.filter((f) => f.label === 'DRAFT').length,
      NONE: members.filter((f) => !f.label).length,
    });
  });

  it('pages, searches and sorts members with their label state', async () => {
    const byCase = await listDatasetMembersPage(ml, rows.datasetId, list('case', { pageSize: 25, page: 1 }));
    expect(byCase.total).toBe(members.length);
    expect(byCase.rows[0]).toMatchObject({ externalId: 'L-00000', labelStatus: 'APPROVED', site: 'Alpha' });
    const newest = await listDatasetMembersPage(ml, rows.datasetId, list('added', { dir: 'desc', pageSize: 25 }));
    expect(newest.rows[0].externalId).toBe(members.at(-1)!.externalId);
    const found = await listDatasetMembersPage(ml, rows.datasetId, list('case', { q: 'Charlie' }));
    expect(found.rows.map((r) => r.externalId)).toEqual(members.filter((f) => f.site === 'Charlie').map((f) => f.externalId));
    const drafts = await listDatasetMembersPage(ml, rows.datasetId, { ...list('case'), label: 'DRAFT' });
    expect(drafts.rows.map((r) => r.externalId)).toEqual(members.filter((f) => f.label === 'DRAFT').map((f) => f.externalId));
    const unlabelled = await listDatasetMembersPage(ml, rows.datasetId, { ...list('case'), label: 'NONE' });
    expect(unlabelled.total).toBe(members.filter((f) => !f.label).length);
    expect(unlabelled.rows.every((r) => r.labelStatus === null)).toBe(true);
  });

  it('is refused for an unknown dataset', async () => {
    expect((await refusal(listDatasetMembersPage(ml, 'nope', list('case')))).code).toBe('NOT_FOUND');
  });
});

describe('picking cases for a dataset', () => {
  it('asks for confirmation of unapproved labels and changes nothing until given', async () => {
    const set = await db().dataset.create({ data: { name: 'pick-holdout', kind: 'HOLDOUT_INTERNAL' } });
    const approved = facts[5]; // odd index: not in the training set; label APPROVED
    const draft = facts[11]; // DRAFT
    const none = facts[3]; // never labelled
    const ask = await pickCasesForDataset(ml, { datasetId: set.id, caseIds: [approved.id, draft.id, none.id], confirmUnapproved: false });
    expect(ask).toEqual({
      status: 'needs-confirmation',
      datasetId: set.id,
      unapproved: [
        { caseId: none.id, externalId: none.externalId, labelStatus: null },
        { caseId: draft.id, externalId: draft.externalId, labelStatus: 'DRAFT' },
      ],
    });
    expect(await db().datasetMember.count({ where: { datasetId: set.id } })).toBe(0);
    const done = await pickCasesForDataset(ml, { datasetId: set.id, caseIds: [approved.id, draft.id, none.id], confirmUnapproved: true });
    expect(done).toMatchObject({ status: 'added', added: 3, alreadyMembers: 0 });
    expect(await auditOf(set.id)).toEqual([
      { action: AUDIT.datasetMembersAdd, data: { caseIds: [approved.id, draft.id, none.id], unapprovedConfirmed: [none.id, draft.id] } },
    ]);
  });

  it('adds approved cases at once, and refuses a case that is trained on', async () => {
    const set = await db().dataset.create({ data: { name: 'pick-external', kind: 'HOLDOUT_EXTERNAL' } });
    expect(await pickCasesForDataset(ml, { datasetId: set.id, caseIds: [facts[15].id], confirmUnapproved: false })).toMatchObject({
      status: 'added',
      added: 1,
    });
    const clash = await refusal(pickCasesForDataset(ml, { datasetId: set.id, caseIds: [facts[10].id], confirmUnapproved: false }));
    expect(clash.code).toBe('CONFLICT');
    expect(clash.userMessage).toMatch(/trained on or held out/);
  });

  it('refuses a radiologist, an empty pick and a locked dataset; removal is audited and refused once locked', async () => {
    const radiologist = await createUser('rad@lists.test', 'RADIOLOGIST');
    const set = await db().dataset.create({ data: { name: 'pick-locked', kind: 'HOLDOUT_INTERNAL' } });
    expect(
      (await refusal(pickCasesForDataset(radiologist, { datasetId: set.id, caseIds: [facts[25].id], confirmUnapproved: true }))).code,
    ).toBe('FORBIDDEN');
    expect((await refusal(pickCasesForDataset(ml, { datasetId: set.id, caseIds: [], confirmUnapproved: true }))).code).toBe(
      'INVALID_INPUT',
    );
    await pickCasesForDataset(ml, { datasetId: set.id, caseIds: [facts[25].id, facts[35].id], confirmUnapproved: false });
    await removeCaseFromDataset(ml, { datasetId: set.id, caseId: facts[35].id });
    await lockDataset(ml, set.id);
    expect(
      (await refusal(pickCasesForDataset(ml, { datasetId: set.id, caseIds: [facts[1].id], confirmUnapproved: false }))).userMessage,
    ).toMatch(/locked/);
    expect((await refusal(removeCaseFromDataset(ml, { datasetId: set.id, caseId: facts[25].id }))).userMessage).toMatch(/locked/);
    expect((await auditOf(set.id)).map((e) => e.action)).toEqual([AUDIT.datasetMembersAdd, AUDIT.datasetMembersRemove, AUDIT.datasetLock]);
    // listing a locked hold-out's members is itself recorded
    await listDatasetMembersPage(ml, set.id, list('case'));
    expect((await auditOf(set.id)).at(-1)).toEqual({ action: AUDIT.datasetRead, data: { purpose: 'LIST', members: 1 } });
  });
});
