/**
 * The schema check that `npm test` runs (`npm run db:check`) must be able to fail: a schema edit without its migration
 * is reported as drift with the SQL that is missing, on SQLite always and on PostgreSQL when a server answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layouts, migrationDiff, postgresAnswers, postgresSchemaText, root } from '@/scripts/db/schemas';
import { PG_ADMIN_URL } from '../support/db';

const EXTRA_MODEL = '\nmodel DriftProbe {\n  id String @id\n  note String\n}\n';

function editedCopy(schemaFile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-schema-'));
  const file = path.join(dir, 'schema.prisma');
  fs.writeFileSync(file, fs.readFileSync(path.join(root, schemaFile), 'utf8') + EXTRA_MODEL);
  return file;
}

describe('schema drift check', () => {
  it('the committed migrations build exactly the committed schema, and the PostgreSQL copy is generated', async () => {
    expect(fs.readFileSync(path.join(root, 'prisma/postgres/schema.prisma'), 'utf8')).toBe(postgresSchemaText());
    const [sqlite, postgres] = layouts(PG_ADMIN_URL);
    expect(migrationDiff(sqlite)).toBe('');
    if (await postgresAnswers(PG_ADMIN_URL)) expect(migrationDiff(postgres)).toBe('');
  });

  it('reports a schema edit that has no migration, with the missing SQL', async () => {
    const [sqlite, postgres] = layouts(PG_ADMIN_URL);
    expect(migrationDiff(sqlite, editedCopy(sqlite.schema))).toContain('CREATE TABLE "DriftProbe"');
    if (await postgresAnswers(PG_ADMIN_URL))
      expect(migrationDiff(postgres, editedCopy(postgres.schema))).toContain('CREATE TABLE "DriftProbe"');
  });

  it('reports a PostgreSQL copy edited by hand', () => {
    const source = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
    expect(postgresSchemaText(source + EXTRA_MODEL)).not.toBe(postgresSchemaText(source));
    expect(() => postgresSchemaText(source.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(/provider line/);
  });
});
