/**
 * One provider's half of bench/lists.ts (run by it, with the Prisma client generated for that provider): a fresh
 * temporary database (tests/support/db.ts), 10,000 bulk-seeded cases (tests/support/list-rows.ts), then the server
 * time of each list page: the query functions the page awaits before it renders, run together as the page runs them.
 * Prints one JSON line: { provider, seedMs, pages: { <page>: { serverMs, worstMs, views } }, baselineMs }.
 */
import { performance } from 'node:perf_hooks';
import { createTestDatabase } from '../tests/support/db';
import { seedListRows } from '../tests/support/list-rows';
import { resetEnvCache } from '@/lib/server/env';
import { db, disconnectDb } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { listCasesPage } from '@/lib/server/cases/queries';
import { listDatasets } from '@/lib/server/datasets/queries';
import { listQueueSites } from '@/lib/server/labels/queue';
import { listReviewQueuePage } from '@/lib/server/labels/queue-page';
import { listAuditPage } from '@/lib/server/audit/queries';
import { getDatasetDetail, listDatasetMembersPage } from '@/lib/server/datasets/member-list';
import { getActiveCriteria } from '@/lib/server/evaluation';
import type { Actor } from '@/lib/server/auth/actor';
import type { ListParams } from '@/lib/lists';

const CASES = Number(process.env.BENCH_LIST_CASES ?? 10_000);
const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r1 = (x: number) => Math.round(x * 10) / 10;
const first = <S extends string>(sort: S, over: Partial<ListParams<S>> = {}): ListParams<S> => ({
  page: 1,
  pageSize: 25,
  q: '',
  sort,
  dir: 'desc',
  ...over,
});

/** Median wall time of `fn` over RUNS runs, after one warm-up run. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return r1(median(ms));
}

type Views = Record<string, () => Promise<unknown>>;

async function main() {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  resetEnvCache();
  try {
    const t0 = performance.now();
    const rows = await seedListRows(CASES);
    const seedMs = r1(performance.now() - t0);
    // A running PostgreSQL's autovacuum analyses tables after a bulk insert; timed before that, the planner works from
    // empty-table statistics (it estimated 7 queue rows for 2,000 and nested-looped: 2.5 s). SQLite is left as it
    // ships (Prisma never runs ANALYZE there), so its figures are the unassisted planner's.
    if (database.provider === 'postgresql') await db().$executeRawUnsafe('ANALYZE');
    const ml = await db().user.create({ data: { email: 'ml@bench.local', name: 'Bench ML', role: 'ML_ENGINEER', passwordHash: 'x' } });
    const actor: Actor = { kind: 'user', id: ml.id, email: ml.email, name: ml.name, role: 'ML_ENGINEER' };
    await getActiveCriteria(); // the page's first visit seeds the criteria; not part of a page view

    // Each page's data calls, as its server component awaits them: the default view first, then the heavier ones.
    const cases = (q: Parameters<typeof listCasesPage>[0]) => () => Promise.all([listCasesPage(q), listDatasets()]);
    const review = (q: Parameters<typeof listReviewQueuePage>[0]) => () =>
      Promise.all([listReviewQueuePage(q), listQueueSites(), listDatasets()]);
    const audit = (q: Parameters<typeof listAuditPage>[0]) => () => listAuditPage(q);
    const members = (q: Parameters<typeof listDatasetMembersPage>[2]) => () =>
      Promise.all([getDatasetDetail(actor, rows.datasetId), listDatasetMembersPage(actor, rows.datasetId, q), getActiveCriteria()]);
    const pages: Record<string, Views> = {
      cases: {
        default: cases(first('received')),
        lastPage: cases(first('received', { page: 400 })),
        search: cases(first('case', { q: 'Bravo', dir: 'asc' })),
        bySite: cases(first('site', { page: 200 })),
      },
      review: {
        default: review({ ...first('priority'), assignment: 'all' }),
        lastPage: review({ ...first('priority', { page: 1000 }), assignment: 'all' }),
        search: review({ ...first('case', { q: 'Alpha' }), assignment: 'all' }),
        drifters: review({ ...first('drift'), reason: 'DRIFT', assignment: 'all' }),
      },
      audit: {
        default: audit(first('time')),
        lastPage: audit(first('time', { page: 1000 })),
        byAction: audit({ ...first('time'), action: AUDIT.driftReport }),
        byActor: audit({ ...first('time'), actor: 'scanner' }),
        byDates: audit({ ...first('time'), from: '2026-01-03', to: '2026-01-04' }),
        entityHistory: audit({ ...first('time'), entityType: 'Case', entityId: 'listcase04242' }),
      },
      datasetMembers: {
        default: members(first('added')),
        lastPage: members(first('added', { page: 1000 })),
        search: members(first('case', { q: 'Delta', dir: 'asc' })),
        unlabelled: members({ ...first('case'), label: 'NONE' }),
      },
    };
    // Same-process baseline: the bare database cost of one page of rows (25 cases by primary key).
    const baselineMs = await timed(() => db().case.findMany({ take: 25, orderBy: { id: 'asc' } }));
    const out: Record<string, { serverMs: number; worstMs: number; views: Record<string, number> }> = {};
    for (const [page, views] of Object.entries(pages)) {
      const times: Record<string, number> = {};
      for (const [name, fn] of Object.entries(views)) times[name] = await timed(fn);
      out[page] = { serverMs: times.default, worstMs: Math.max(...Object.values(times)), views: times };
    }
    console.log(JSON.stringify({ provider: database.provider, cases: CASES, seedMs, baselineMs, pages: out }));
  } finally {
    await disconnectDb();
    await database.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
