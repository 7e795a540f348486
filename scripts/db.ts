/**
 * Database lifecycle for the active DATABASE_URL (SQLite file by default, PostgreSQL when the URL says so):
 *   generate  generate the Prisma client for the active provider
 *   deploy    apply committed migrations (creates the SQLite file and its folder); `--until NAME` stops after the
 *             migration whose folder name ends with NAME (used to build old databases for upgrade tests)
 *   reset     drop everything and re-apply migrations (Prisma's own reset fails on SQLite here: notes/offline-stack.md)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import Database from 'better-sqlite3';
import { databaseProvider, DEFAULT_DATABASE_URL, sqliteFilePath } from '../lib/server/db/provider';

const url = (process.env.DATABASE_URL ||= DEFAULT_DATABASE_URL);
const provider = databaseProvider(url);

function prisma(...args: string[]) {
  execFileSync('npx', ['prisma', ...args], { stdio: 'inherit', env: process.env });
}

/** A temporary copy of the provider's migrations folder that ends at the migration named `until`. */
function migrationsUntil(until: string): string {
  const source = path.resolve(__dirname, '..', provider === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations');
  const names = fs
    .readdirSync(source)
    .filter((d) => /^\d{14}_/.test(d))
    .sort();
  const end = names.findIndex((n) => n === until || n.slice(15) === until);
  if (end < 0) throw new Error(`no migration named ${until} in ${source}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-migrations-'));
  for (const n of names.slice(0, end + 1)) fs.cpSync(path.join(source, n), path.join(dir, n), { recursive: true });
  fs.copyFileSync(path.join(source, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
  return dir;
}

function deploy(until?: string) {
  if (provider === 'sqlite') fs.mkdirSync(path.dirname(path.resolve(sqliteFilePath(url))), { recursive: true });
  const partial = until ? migrationsUntil(until) : null;
  if (partial) process.env.TUMORWATCH_MIGRATIONS_DIR = partial;
  try {
    prisma('migrate', 'deploy');
  } finally {
    if (partial) fs.rmSync(partial, { recursive: true, force: true });
  }
  if (provider === 'sqlite') {
    // WAL is a property of the file: readers (web server, worker) no longer block on the single writer.
    const conn = new Database(sqliteFilePath(url));
    conn.pragma('journal_mode = WAL');
    conn.close();
  }
}

async function reset() {
  if (provider === 'sqlite') {
    const file = sqliteFilePath(url);
    for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS pgboss CASCADE; CREATE SCHEMA public;');
    await client.end();
  }
  deploy();
}

async function main() {
  const command = process.argv[2];
  console.log(`[db] ${command} on ${provider}`);
  if (command === 'generate') prisma('generate');
  else if (command === 'deploy') deploy(process.argv[3] === '--until' ? process.argv[4] : undefined);
  else if (command === 'reset') await reset();
  else throw new Error('usage: tsx scripts/db.ts generate|deploy|reset');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
