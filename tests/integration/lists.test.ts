import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { listCaseFacts, seedListRows } from '../support/list-rows';
import { db } from '@/lib/server/db';
import { AUDIT, recordAudit } from '@/lib/server/audit';
import { listCasesPage } from '@/lib/server/cases/queries';
import { listReviewQueuePage, type QueueSort } from '@/lib/server/labels/queue-page';
import { listAuditPage, type AuditListQuery } from '@/lib/server/audit/queries';
import { parseListParams, type ListParams } from '@/lib/lists';

useTestDb();

const N = 60;
const facts = Array.from({ length: N }, (_, i) => listCaseFacts(i));
const list = <S extends string>(sort: S, over: Partial<ListParams<S>> = {}): ListParams<S> => ({
  page: 1,
  pageSize: 25,
  q: '',
  sort,
  dir: 'asc',
  ...over,
});

beforeAll(async () => {
  await seedListRows(N);
});

describe('list params from the URL', () => {
  it('falls back to the defaults on anything malformed', () => {
    const p = parseListParams({ page: '-3', size: '7', sort: 'drop table', dir: 'up', q: ['  L-1 ', 'x'] }, ['received', 'case'], {
      sort: 'received',
      dir: 'desc',
    });
    expect(p).toEqual({ page: 1, pageSize: 25, q: 'L-1', sort: 'received', dir: 'desc' });
  });
});

describe('cases list', () => {
  it('pages newest first without overlap and clamps a page past the end', async () => {
    const first = await listCasesPage(list('received', { dir: 'desc' }));
    expect(first.total).toBe(N);
    expect(first.pageCount).toBe(3);
    expect(first.rows.map((r) => r.externalId).slice(0, 2)).toEqual(['L-00059', 'L-00058']);
    const last = await listCasesPage(list('received', { dir: 'desc', page: 99 }));
    expect(last.page).toBe(3);
    expect(last.rows.map((r) => r.externalId)).toEqual(
      facts
        .slice(0, 10)
        .map((f) => f.externalId)
        .reverse(),
    );
    const all = [first, await listCasesPage(list('received', { dir: 'desc', page: 2 })), last].flatMap((p) => p.rows.map((r) => r.id));
    expect(new Set(all).size).toBe(N);
  });

  it('searches the case id and the site, and filters by status', async () => {
    const byId = await listCasesPage(list('case', { q: 'L-0004' }));
    expect(byId.rows.map((r) => r.externalId)).toEqual(facts.slice(40, 50).map((f) => f.externalId));
    const bySite = await listCasesPage(list('case', { q: 'Bravo' }));
    expect(bySite.total).toBe(facts.filter((f) => f.site === 'Bravo').length);
    expect(bySite.rows.every((r) => r.site === 'Bravo')).toBe(true);
    const received = await listCasesPage({ ...list('case'), status: 'RECEIVED' });
    expect(received.rows.map((r) => r.externalId)).toEqual(facts.filter((f) => f.status === 'RECEIVED').map((f) => f.externalId));
  });

  it('sorts by site, then newest first within a site', async () => {
    const page = await listCasesPage(list('site', { pageSize: 100 }));
    const expected = [...facts].sort((a, b) => a.site.localeCompare(b.site) || b.createdAt.getTime() - a.createdAt.getTime());
    expect(page.rows.map((r) => r.externalId)).toEqual(expected.map((f) => f.externalId));
    expect(page.rows.find((r) => r.externalId === 'L-00000')).toMatchObject({ isDrifter: true, flagCount: 1, labelStatus: 'APPROVED' });
  });
});

describe('review queue list', () => {
  // In the queue: flagged or a drifter (shown prediction), and no approved label.
  const queued = facts.filter((f) => (f.flagged || (f.drifter && f.status === 'PREDICTED')) && f.label !== 'APPROVED');
  const ids = async (sort: QueueSort, dir: 'asc' | 'desc', over: Partial<ListParams<QueueSort>> = {}) =>
    (await listReviewQueuePage(list(sort, { dir, pageSize: 100, ...over }))).rows.map((r) => r.externalId);

  it('orders by priority: flagged first, then by drift score', async () => {
    const order = await ids('priority', 'desc');
    expect(new Set(order)).toEqual(new Set(queued.map((f) => f.externalId)));
    const rank = order.map((e) => facts.find((f) => f.externalId === e)!);
    const flagged = rank.filter((f) => f.flagged).length;
    expect(rank.slice(0, flagged).every((f) => f.flagged)).toBe(true);
    const unflaggedScores = rank.slice(flagged).map((f) => f.score);
    expect(unflaggedScores).toEqual([...unflaggedScores].sort((a, b) => b - a));
    expect(await ids('priority', 'asc')).toEqual([...order].reverse());
  });

  it('pages the chosen ordering and searches', async () => {
    const byCase = await ids('case', 'asc');
    expect(byCase).toEqual(queued.map((f) => f.externalId));
    const second = await listReviewQueuePage(list('case', { pageSize: 5, page: 2 }));
    expect(second.total).toBe(queued.length);
    expect(second.rows.map((r) => r.externalId)).toEqual(byCase.slice(5, 10));
    expect(await ids('received', 'desc', { q: 'Alpha' })).toEqual(
      queued
        .filter((f) => f.site === 'Alpha')
        .map((f) => f.externalId)
        .reverse(),
    );
    const drift = await listReviewQueuePage({ ...list<QueueSort>('drift', { dir: 'desc' }), reason: 'DRIFT' });
    expect(drift.rows.every((r) => r.isDrifter)).toBe(true);
  });

  it('narrows to the cases behind a monitoring alert (?cases=), keeping only those still in the queue', async () => {
    const all = await listReviewQueuePage(list('case', { pageSize: 100 }));
    const picked = [all.rows[0], all.rows[3]];
    const only = await listReviewQueuePage({
      ...list<QueueSort>('case', { pageSize: 100 }),
      caseIds: [...picked.map((r) => r.caseId), 'not-a-case'],
    });
    expect(only.rows.map((r) => r.caseId)).toEqual(picked.map((r) => r.caseId));
    expect(only.total).toBe(2);
  });
});

describe('audit log list', () => {
  beforeAll(async () => {
    const user = await db().user.create({ data: { email: 'auditor@lists.test', name: 'Auditor', role: 'ML_ENGINEER', passwordHash: 'x' } });
    await db().$transaction((tx) =>
      recordAudit(tx, {
        actor: { kind: 'user', id: user.id, email: user.email, name: user.name, role: 'ML_ENGINEER' },
        action: AUDIT.caseAssign,
        entityId: facts[3].id,
        data: { assigneeId: user.id },
      }),
    );
  });
  const audit = (over: Partial<AuditListQuery>) => listAuditPage({ page: 1, pageSize: 100, q: '', sort: 'time', dir: 'desc', ...over });
  const predicted = facts.filter((f) => f.status === 'PREDICTED').length;

  it('filters by action, entity, actor and entity id', async () => {
    expect((await audit({ action: AUDIT.caseIngest })).total).toBe(N);
    expect((await audit({ entityType: 'Case' })).total).toBe(N + predicted + 1);
    expect((await audit({ actor: 'worker' })).total).toBe(predicted);
    const mine = await audit({ actor: 'auditor@' });
    expect(mine.rows.map((r) => [r.action, r.actor])).toEqual([[AUDIT.caseAssign, 'auditor@lists.test']]);
    const history = await audit({ entityType: 'Case', entityId: facts[3].id });
    expect(history.rows.map((r) => r.action)).toEqual([AUDIT.caseAssign, AUDIT.driftReport, AUDIT.caseIngest]);
  });

  it('filters by a date range of whole UTC days', async () => {
    expect((await audit({ from: '2026-01-01', to: '2026-01-01' })).total).toBe(N + predicted);
    expect((await audit({ to: '2025-12-31' })).total).toBe(0);
    expect((await audit({ from: '2026-01-02', action: AUDIT.caseIngest })).total).toBe(0);
  });

  it('pages newest first and sorts by action', async () => {
    const p1 = await audit({ pageSize: 25, action: AUDIT.caseIngest });
    expect(p1.pageCount).toBe(3);
    expect(p1.rows[0].entityId).toBe(facts[N - 1].id);
    const byAction = await audit({ sort: 'action', dir: 'asc', q: facts[7].id });
    expect(byAction.rows.map((r) => r.action)).toEqual([AUDIT.caseIngest, AUDIT.driftReport]);
  });
});
