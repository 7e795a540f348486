/**
 * Database lifecycle for the active DATABASE_URL (SQLite file by default, PostgreSQL when the URL says so):
 *   generate  generate the Prisma client for the active provider
 *   deploy    apply committed migrations (creates the SQLite file and its folder)
 *   reset     drop everything and re-apply migrations (Prisma's own reset fails on SQLite here: notes/offline-stack.md)
 */
import fs from 'node:fs';
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

function deploy() {
  if (provider === 'sqlite') fs.mkdirSync(path.dirname(path.resolve(sqliteFilePath(url))), { recursive: true });
  prisma('migrate', 'deploy');
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
  else if (command === 'deploy') deploy();
  else if (command === 'reset') await reset();
  else throw new Error('usage: tsx scripts/db.ts generate|deploy|reset');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
