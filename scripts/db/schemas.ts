/**
 * The two providers' schemas and migration folders. `prisma/schema.prisma` (SQLite) is the source; the PostgreSQL
 * copy differs only in its provider line and output path (a datasource provider must be a literal) and is generated.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const root = path.resolve(__dirname, '../..');
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ProviderLayout {
  provider: 'sqlite' | 'postgresql';
  schema: string;
  migrations: string;
  /** the DATABASE_URL that makes prisma.config.ts pick this layout (the diff itself runs on a shadow database) */
  url: string;
}

export function layouts(postgresUrl: string): ProviderLayout[] {
  return [
    {
      provider: 'sqlite',
      schema: 'prisma/schema.prisma',
      migrations: 'prisma/migrations',
      url: `file:${path.join(os.tmpdir(), 'tumorwatch-migrate-diff.db')}`,
    },
    { provider: 'postgresql', schema: 'prisma/postgres/schema.prisma', migrations: 'prisma/postgres/migrations', url: postgresUrl },
  ];
}

/** The PostgreSQL schema text that the SQLite source generates. */
export function postgresSchemaText(source = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8')): string {
  if (!source.includes('provider = "sqlite"')) throw new Error('provider line not found in prisma/schema.prisma');
  return source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output     = "../lib/server/db/generated"', 'output     = "../../lib/server/db/generated"')
    .replace(
      /^\/\/ Source schema[^\n]*\n(\/\/[^\n]*\n)*/,
      '// GENERATED from prisma/schema.prisma by `npm run db:sync-schemas`: do not edit.\n',
    );
}

export function writePostgresSchema(): void {
  const file = path.join(root, 'prisma/postgres/schema.prisma');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, postgresSchemaText());
}

export function migrationNames(dir: string): string[] {
  const abs = path.join(root, dir);
  return fs.existsSync(abs)
    ? fs
        .readdirSync(abs)
        .filter((d) => /^\d{14}_/.test(d))
        .sort()
    : [];
}

/**
 * SQL that takes a database built by replaying `layout.migrations` to `schema` (Prisma replays them on a shadow
 * database: an in-memory SQLite file, or a temporary database on the PostgreSQL server). Empty when they agree.
 */
export function migrationDiff(layout: ProviderLayout, schema = layout.schema): string {
  const out = path.join(os.tmpdir(), `tumorwatch-diff-${process.pid}-${layout.provider}.sql`);
  const from = migrationNames(layout.migrations).length ? ['--from-migrations', layout.migrations] : ['--from-empty'];
  try {
    execFileSync('npx', ['prisma', 'migrate', 'diff', ...from, '--to-schema-datamodel', schema, '--script', '-o', out], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: layout.url },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const sql = fs.readFileSync(out, 'utf8');
    return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? '' : sql;
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/** Whether a PostgreSQL server answers at `url` (the PostgreSQL diff needs one for its shadow database). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
