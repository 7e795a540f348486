/**
 * Set-up for e2e/lists.spec.ts and e2e/datasets.spec.ts, run with tsx against the e2e database:
 *
 *   DATABASE_URL=file:./data/e2e/e2e.db npx tsx --conditions=react-server e2e/helpers/lists.ts
 *
 * Sixty bare received cases LST-00..LST-59 (no volumes, no prediction: lists never read them), received in 2020 so
 * they sit at the end of every newest-first view the other specs read. Idempotent. Prints one JSON line.
 */
import { db, disconnectDb } from '@/lib/server/db';

export const LIST_CASES = 60;
export const listCaseId = (i: number) => `LST-${String(i).padStart(2, '0')}`;

async function main() {
  const t0 = Date.UTC(2020, 0, 1);
  const data = Array.from({ length: LIST_CASES }, (_, i) => ({
    externalId: listCaseId(i),
    site: i % 2 ? 'Listville North' : 'Listville South',
    createdAt: new Date(t0 + i * 60_000),
  }));
  const have = await db().case.count({ where: { externalId: { startsWith: 'LST-' } } });
  if (have === 0) await db().case.createMany({ data });
  console.log(JSON.stringify({ cases: await db().case.count({ where: { externalId: { startsWith: 'LST-' } } }) }));
  await disconnectDb();
}

if (process.argv[1]?.endsWith('lists.ts'))
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
