/**
 * A fresh, migrated database per test file. The provider follows the generated Prisma client (one client is
 * generated at a time: scripts/test.sh runs the integration suite once per provider). Migrations are applied from
 * the committed SQL, so these tests also prove the migrations themselves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import Database from 'better-sqlite3';
import { postgresAnswers } from '../../scripts/db/schemas';

const root = path.resolve(__dirname, '../..');
export const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export function generatedProvider(): 'sqlite' | 'postgresql' {
  const schema = fs.readFileSync(path.join(root, 'lib/server/db/generated/internal/class.ts'), 'utf8');
  return schema.includes('"activeProvider": "postgresql"') ? 'postgresql' : 'sqlite';
}

function migrationSql(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((d) => /^\d{14}_/.test(d))
    .sort()
    .map((d) => fs.readFileSync(path.join(dir, d, 'migration.sql'), 'utf8'));
}

export function postgresAvailable(): Promise<boolean> {
  return postgresAnswers(PG_ADMIN_URL);
}

/** An empty PostgreSQL database of its own on the loopback server, and how to drop it. */
export async function createPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export interface TestDatabase {
  url: string;
  provider: 'sqlite' | 'postgresql';
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const provider = generatedProvider();
  if (provider === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-db-'));
    const file = path.join(dir, 'test.db');
    const conn = new Database(file);
    conn.pragma('journal_mode = WAL');
    for (const sql of migrationSql(path.join(root, 'prisma/migrations'))) conn.exec(sql);
    conn.close();
    return { url: `file:${file}`, provider, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const { url, drop } = await createPostgresDatabase('tw_test');
  const conn = new pg.Client({ connectionString: url });
  await conn.connect();
  for (const sql of migrationSql(path.join(root, 'prisma/postgres/migrations'))) await conn.query(sql);
  await conn.end();
  return { url, provider, drop };
}
