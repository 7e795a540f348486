/**
 * Writes prisma/postgres/schema.prisma from the SQLite source schema (a datasource provider must be a literal),
 * and (with --migration NAME) a new migration for each provider from the difference between the committed
 * migrations and the schema, computed without a database (`migrate diff --from-empty` for the first one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.resolve(__dirname, '../..');
const source = path.join(root, 'prisma/schema.prisma');
const pgSchema = path.join(root, 'prisma/postgres/schema.prisma');

function writePostgresSchema() {
  const text = fs.readFileSync(source, 'utf8');
  const swapped = text
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output     = "../lib/server/db/generated"', 'output     = "../../lib/server/db/generated"')
    .replace(/^\/\/ Source schema[^\n]*\n(\/\/[^\n]*\n)*/, '// GENERATED from prisma/schema.prisma by scripts/db/sync-schemas.ts: do not edit.\n');
  if (swapped === text) throw new Error('provider line not found in prisma/schema.prisma');
  fs.mkdirSync(path.dirname(pgSchema), { recursive: true });
  fs.writeFileSync(pgSchema, swapped);
}

function writeInitialMigration(schema: string, migrationsDir: string, name: string, provider: string) {
  const existing = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir).filter((d) => /^\d{14}_/.test(d)) : [];
  if (existing.length > 0) {
    throw new Error(`${migrationsDir} already has migrations: create the next one with \`prisma migrate dev\` against a database`);
  }
  const sql = execFileSync('npx', ['prisma', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', schema, '--script'], {
    cwd: root,
    encoding: 'utf8',
  });
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
  fs.writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), `provider = "${provider}"\n`);
  console.log(`wrote ${path.relative(root, dir)}`);
}

writePostgresSchema();
const nameIdx = process.argv.indexOf('--migration');
if (nameIdx > 0) {
  const name = process.argv[nameIdx + 1] ?? 'init';
  writeInitialMigration('prisma/schema.prisma', path.join(root, 'prisma/migrations'), name, 'sqlite');
  writeInitialMigration('prisma/postgres/schema.prisma', path.join(root, 'prisma/postgres/migrations'), name, 'postgresql');
}
