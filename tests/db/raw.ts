/**
 * Plain driver access (no Prisma) to an empty test database, for building and reading databases of older schemas:
 * values are encoded the way Prisma's adapters store them (SQLite: ISO dates with +00:00, booleans as 0/1, JSON as
 * text; PostgreSQL: UTC timestamps without zone, jsonb).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { createPostgresDatabase } from '../support/db';
import type { Row } from './v1-fixture';

export interface RawDatabase {
  url: string;
  insert(table: string, row: Row): Promise<void>;
  exec(sql: string, params?: unknown[]): Promise<void>;
  /** every row of a table, ordered by its first column, values as the driver returns them */
  rows(table: string): Promise<Record<string, unknown>[]>;
  tables(): Promise<string[]>;
  close(): Promise<void>;
  drop(): Promise<void>;
}

function encode(v: Row[string], provider: 'sqlite' | 'postgresql'): unknown {
  if (v instanceof Date) return provider === 'sqlite' ? v.toISOString().replace('Z', '+00:00') : v.toISOString().replace('Z', '');
  if (typeof v === 'boolean') return provider === 'sqlite' ? Number(v) : v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}

const q = (name: string) => `"${name}"`;

function sqliteDatabase(): RawDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-upgrade-'));
  const file = path.join(dir, 'upgrade.db');
  let conn: Database.Database | null = null;
  const open = () => (conn ??= new Database(file));
  return {
    url: `file:${file}`,
    insert: async (table, row) => {
      const cols = Object.keys(row);
      open()
        .prepare(`INSERT INTO ${q(table)} (${cols.map(q).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
        .run(...cols.map((c) => encode(row[c], 'sqlite')));
    },
    exec: async (sql, params = []) =>
      void open()
        .prepare(sql)
        .run(...params),
    rows: async (table) =>
      open()
        .prepare(`SELECT * FROM ${q(table)} ORDER BY 1`)
        .all() as Record<string, unknown>[],
    tables: async () =>
      (
        open()
          .prepare(
            `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name`,
          )
          .all() as { name: string }[]
      ).map((r) => r.name),
    close: async () => {
      conn?.close();
      conn = null;
    },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(): Promise<RawDatabase> {
  const { url, drop } = await createPostgresDatabase('tw_upgrade');
  let conn: pg.Client | null = null;
  const open = async () => {
    if (!conn) {
      conn = new pg.Client({ connectionString: url });
      await conn.connect();
    }
    return conn;
  };
  return {
    url,
    insert: async (table, row) => {
      const cols = Object.keys(row);
      await (
        await open()
      ).query(
        `INSERT INTO ${q(table)} (${cols.map(q).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        cols.map((c) => encode(row[c], 'postgresql')),
      );
    },
    exec: async (sql, params = []) => void (await (await open()).query(sql, params)),
    rows: async (table) => (await (await open()).query(`SELECT * FROM ${q(table)} ORDER BY 1`)).rows,
    tables: async () =>
      (
        await (
          await open()
        ).query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`)
      ).rows.map((r) => r.tablename as string),
    close: async () => {
      await conn?.end();
      conn = null;
    },
    drop,
  };
}

export async function createRawDatabase(provider: 'sqlite' | 'postgresql'): Promise<RawDatabase> {
  return provider === 'sqlite' ? sqliteDatabase() : postgresDatabase();
}
