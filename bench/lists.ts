/**
 * Server time of the list pages with 10,000 cases, on SQLite and on PostgreSQL 127.0.0.1:5432 when it answers:
 * Cases, the review queue, the audit log (~19,000 events) and a dataset's members (5,000). Each provider runs in a
 * child process (bench/lists-measure.ts) with the Prisma client generated for it, as scripts/test.sh does for the
 * PostgreSQL tests; the SQLite client is generated again afterwards, whatever happens.
 *   npm run bench:lists          (BENCH_LIST_CASES=2000 for a quicker run)
 * Writes bench/results/lists.json: `<page>.<provider>.serverMs` (the default view: first page, default order),
 * `<page>.<provider>.worstMs` (the slowest of the views measured: last page, search, filters, other orderings),
 * `<page>.<provider>.ratio` (serverMs over the same process's baseline: 25 cases read by primary key).
 * Target: every serverMs (and worstMs) under 300 ms.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresAnswers } from '../scripts/db/schemas';

const ROOT = path.resolve(__dirname, '..');
const SQLITE_URL = 'file:./data/tumorwatch.db';
const PG_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const TARGET_MS = 300;

interface Measured {
  provider: string;
  cases: number;
  seedMs: number;
  baselineMs: number;
  pages: Record<string, { serverMs: number; worstMs: number; views: Record<string, number> }>;
}

function generateClient(databaseUrl: string) {
  execFileSync('npm', ['run', '--silent', 'db:generate'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'ignore',
  });
}

function measure(databaseUrl: string): Measured {
  const out = execFileSync('npx', ['tsx', '--conditions=react-server', 'bench/lists-measure.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
}

async function main() {
  const runs: Measured[] = [];
  try {
    generateClient(SQLITE_URL);
    runs.push(measure(SQLITE_URL));
    if (await postgresAnswers(PG_URL)) {
      generateClient(PG_URL);
      runs.push(measure(PG_URL));
    } else console.log('NOTICE: no PostgreSQL server answers on 127.0.0.1:5432; only SQLite was measured.');
  } finally {
    generateClient(SQLITE_URL);
  }
  const result: Record<string, number | string | boolean> = {};
  let within = true;
  for (const run of runs) {
    console.log(`\n${run.provider}: ${run.cases} cases seeded in ${run.seedMs} ms; baseline (25 cases by id) ${run.baselineMs} ms`);
    for (const [page, m] of Object.entries(run.pages)) {
      const ratio = Math.round((m.serverMs / run.baselineMs) * 10) / 10;
      result[`${page}.${run.provider}.serverMs`] = m.serverMs;
      result[`${page}.${run.provider}.worstMs`] = m.worstMs;
      result[`${page}.${run.provider}.ratio`] = ratio;
      within &&= m.worstMs < TARGET_MS;
      const views = Object.entries(m.views)
        .map(([v, ms]) => `${v} ${ms}`)
        .join(', ');
      console.log(`  ${page.padEnd(15)} ${String(m.serverMs).padStart(7)} ms  (${ratio}x baseline; ${views})`);
    }
    result[`baseline.${run.provider}.ms`] = run.baselineMs;
    result[`seed.${run.provider}.ms`] = run.seedMs;
  }
  Object.assign(result, { cases: runs[0].cases, targetMs: TARGET_MS, withinTarget: within, cpus: os.cpus().length });
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench/results/lists.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${within ? 'Every page is' : 'NOT every page is'} under ${TARGET_MS} ms. Wrote bench/results/lists.json`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
